import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir } from './atomic-file.js';

export interface JsonlReadResult<T> {
  records: T[];
  /** Lines that did not parse: a torn last line after a crash, or damage. */
  badLines: { line: number; reason: string }[];
}

/**
 * Append-only JSON-lines file. Each append is written and fsync'd before it returns, so a
 * caller may report success once `append` has returned; a crash loses at most the line in flight.
 */
export class JsonlFile {
  private fd: number | null = null;

  constructor(readonly path: string) {}

  append(record: unknown): void {
    const fd = this.open();
    writeSync(fd, `${JSON.stringify(record)}\n`);
    fsyncSync(fd);
  }

  read<T>(parse: (value: unknown) => T): JsonlReadResult<T> {
    if (!existsSync(this.path)) return { records: [], badLines: [] };
    const text = readFileSync(this.path, 'utf8');
    const records: T[] = [];
    const badLines: { line: number; reason: string }[] = [];
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(parse(JSON.parse(line)));
      } catch (e) {
        badLines.push({ line: i + 1, reason: (e as Error).message });
      }
    });
    return { records, badLines };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    if (this.fd === null) {
      const dir = dirname(this.path);
      const isNew = !existsSync(this.path);
      mkdirSync(dir, { recursive: true });
      this.fd = openSync(this.path, 'a', 0o600);
      // A torn last line from a crash would glue itself to the next record; start on a fresh line.
      if (!isNew && !endsWithNewline(this.path)) writeSync(this.fd, '\n');
      if (isNew) fsyncDir(dir);
    }
    return this.fd;
  }
}

function endsWithNewline(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
