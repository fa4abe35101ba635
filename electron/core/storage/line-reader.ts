import { closeSync, openSync, readSync } from 'node:fs';
import type { StoredRecord } from './ports.js';

const CHUNK = 64 * 1024;

/**
 * The lines of a file, numbered from 1 (the last line even without a newline), read in fixed
 * chunks and handed out one at a time, so a long log is never held in memory whole and a reader
 * may write between two lines (the import writes a batch to the database). The file stays open
 * until the last line is taken or the loop is left.
 */
export function* linesOf(path: string): Generator<{ text: string; position: number }> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let carry: Buffer = Buffer.alloc(0);
    let position = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      let data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let nl = data.indexOf(0x0a);
      while (nl >= 0) {
        const text = data.toString('utf8', 0, nl);
        data = data.subarray(nl + 1);
        // `data` may view the read buffer while the caller works; nothing reads into it before the copy below.
        yield { text, position: ++position };
        nl = data.indexOf(0x0a);
      }
      carry = Buffer.from(data);
    }
    if (carry.length > 0) yield { text: carry.toString('utf8'), position: ++position };
  } finally {
    closeSync(fd);
  }
}

/**
 * The records of a JSON-lines log: blank lines passed over, a line that is not JSON (torn by a
 * crash, or damaged) reported as damage at its line number.
 */
export function* storedRecordsOf(path: string): Generator<StoredRecord> {
  for (const { text, position } of linesOf(path)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { position, damage: `not valid JSON (${(e as Error).message})` };
      continue;
    }
    yield { position, value };
  }
}
