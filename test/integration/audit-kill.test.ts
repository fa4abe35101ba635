import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { verifyAuditFile } from '../../electron/core/audit/chain.js';
import { FileRecordLog } from '../../electron/core/storage/file-storage.js';

/**
 * A process appending audit entries as fast as it can is SIGKILLed at random instants; after
 * each kill the file must verify up to its last complete line, and a new writer must continue
 * the chain from there.
 */

const root = resolve(import.meta.dirname, '../..');
const auditLogModule = join(root, 'electron/core/audit/audit-log.ts');
const fileStorageModule = join(root, 'electron/core/storage/file-storage.ts');
const dir = mkdtempSync(join(tmpdir(), 'audit-kill-'));
const path = join(dir, 'audit.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WRITER = `
const { AuditLog } = await import(process.argv[1]);
const { FileRecordLog } = await import(process.argv[2]);
const log = await AuditLog.open(new FileRecordLog(process.argv[3]));
let i = 0;
await log.append({ type: 'annotation', operator: 'writer', summary: 'writer started', data: {} });
process.stdout.write('ready\\n');
for (;;) await log.append({ type: 'annotation', operator: 'writer', summary: 'note ' + ++i, data: { i, pad: 'x'.repeat(i % 300) } });
`;

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function runAndKill(afterMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, auditLogModule, fileStorageModule, path], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  await new Promise<void>((resolveReady, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolveReady());
    child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
  });
  await new Promise((r) => setTimeout(r, afterMs));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('audit log under SIGKILL', () => {
  it('verifies after every kill and the chain continues', async () => {
    const seed = Date.now();
    const random = seeded(seed);
    let lastSeq = 0;
    for (let round = 0; round < 5; round++) {
      const afterMs = 20 + Math.floor(random() * 180);
      await runAndKill(afterMs);
      const context = `seed ${seed}, round ${round}, killed after ${afterMs} ms`;

      const result = verifyAuditFile(path);
      expect(result.ok, `${context}: ${result.reason}`).toBe(true);
      const complete = readFileSync(path, 'utf8').split('\n').filter(parses).length;
      expect(result.entries, context).toBe(complete);
      expect(result.entries, context).toBeGreaterThanOrEqual(lastSeq + 1);

      const log = await AuditLog.open(new FileRecordLog(path));
      expect(log.opened.ok, context).toBe(true);
      const entry = await log.append({ type: 'shift', operator: 'checker', summary: `after kill ${round}`, data: { afterMs } });
      await log.close();
      expect(entry.seq, context).toBe(result.entries + 1);
      lastSeq = entry.seq;
      expect(verifyAuditFile(path), context).toMatchObject({ ok: true, entries: entry.seq });
    }
  });
});
