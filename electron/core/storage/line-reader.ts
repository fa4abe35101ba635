import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 64 * 1024;

/**
 * Calls `fn` for each line of a file (1-based numbers, the last line even without a newline),
 * reading in fixed chunks so a long log is never held in memory whole.
 */
export function forEachLine(path: string, fn: (line: string, lineNo: number) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let carry: Buffer = Buffer.alloc(0);
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      let data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let nl = data.indexOf(0x0a);
      while (nl >= 0) {
        fn(data.toString('utf8', 0, nl), ++lineNo);
        data = data.subarray(nl + 1);
        nl = data.indexOf(0x0a);
      }
      // Copy: `data` may still view the shared read buffer, which the next read overwrites.
      carry = Buffer.from(data);
    }
    if (carry.length > 0) fn(carry.toString('utf8'), ++lineNo);
  } finally {
    closeSync(fd);
  }
}
