import { close, closeSync, fdatasync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, write } from 'node:fs';
import { promisify } from 'node:util';

const writeAsync = promisify(write);
const datasyncAsync = promisify(fdatasync);
const closeAsync = promisify(close);

/**
 * An append-only file of JSON lines, written with group commit: every line handed in while a
 * write + fdatasync is in flight goes out together in the next one, so under load one fsync
 * covers hundreds of appends and a caller's promise settles only once its line is on disk.
 *
 * A crash can tear only the last line; opening the file cuts such a tail off, so the file
 * always reads back as whole lines.
 */

export interface StoredLine {
  text: string;
  offset: number;
  length: number;
}

interface Pending {
  buf: Buffer;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class AppendFile {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private bytes: number,
  ) {}

  /** Opens (or creates) the file, cutting off a torn last line; returns it with its lines. */
  static open(path: string): { file: AppendFile; lines: StoredLine[]; tornBytes: number } {
    const { lines, goodBytes, totalBytes } = readWholeLines(path);
    if (goodBytes < totalBytes) {
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, goodBytes);
      } finally {
        closeSync(fd);
      }
    }
    const fd = openSync(path, 'a');
    fsyncSync(fd);
    return { file: new AppendFile(path, fd, goodBytes), lines, tornBytes: totalBytes - goodBytes };
  }

  get size(): number {
    return this.bytes;
  }

  /** Set once a write or fsync failed: nothing more is accepted, as the disk's state is unknown. */
  get failed(): Error | null {
    return this.failure;
  }

  /** Appends one line (no newline in it) and resolves once it is durable, with its offset. */
  append(text: string): { offset: number; length: number; durable: Promise<void> } {
    if (this.failure) return { offset: -1, length: 0, durable: Promise.reject(this.failure) };
    if (this.closed) return { offset: -1, length: 0, durable: Promise.reject(new Error(`${this.path}: closed`)) };
    const buf = Buffer.from(`${text}\n`, 'utf8');
    const offset = this.bytes;
    this.bytes += buf.length;
    const durable = new Promise<void>((resolve, reject) => this.queue.push({ buf, resolve, reject }));
    this.writing ??= this.drain();
    return { offset, length: buf.length - 1, durable };
  }

  /** Resolves once everything appended so far is durable. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushed();
    await closeAsync(this.fd);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        if (this.failure) throw this.failure;
        const buf = batch.length === 1 ? (batch[0] as Pending).buf : Buffer.concat(batch.map((p) => p.buf));
        let done = 0;
        while (done < buf.length) done += (await writeAsync(this.fd, buf, done, buf.length - done)).bytesWritten;
        await datasyncAsync(this.fd);
        for (const p of batch) p.resolve();
      } catch (e) {
        this.failure ??= e as Error;
        for (const p of batch) p.reject(this.failure);
      }
    }
    this.writing = null;
  }
}

/** The file's complete lines; bytes after the last newline, or a last line that does not parse, are a torn write. */
function readWholeLines(path: string): { lines: StoredLine[]; goodBytes: number; totalBytes: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], goodBytes: 0, totalBytes: 0 };
    throw e;
  }
  try {
    const totalBytes = fstatSync(fd).size;
    const buf = Buffer.alloc(totalBytes);
    let read = 0;
    while (read < totalBytes) {
      const n = readSync(fd, buf, read, totalBytes - read, read);
      if (n === 0) break;
      read += n;
    }
    const lines: StoredLine[] = [];
    let start = 0;
    for (;;) {
      const end = buf.indexOf(10, start);
      if (end === -1) break;
      lines.push({ text: buf.toString('utf8', start, end), offset: start, length: end - start });
      start = end + 1;
    }
    let goodBytes = start;
    const last = lines.at(-1);
    if (last && !parses(last.text)) {
      lines.pop();
      goodBytes = last.offset;
    }
    return { lines, goodBytes, totalBytes };
  } finally {
    closeSync(fd);
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
