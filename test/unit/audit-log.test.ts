import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, AuditEntrySchema } from '../../shared/audit.js';
import type { ActionOutcome } from '../../shared/actions.js';
import { actionAuditEntry } from '../../electron/core/routing/action-entry.js';
import { AuditLog, type AuditLogOptions } from '../../electron/core/audit/audit-log.js';
import { FileRecordLog } from '../../electron/core/storage/file-storage.js';
import { entryHash, verifyAuditFile } from '../../electron/core/audit/chain.js';
import { exportHeader, exportLine } from '../../electron/core/audit/export.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  dirs.push(dir);
  return join(dir, 'audit.jsonl');
}

function openLog(path: string, options?: AuditLogOptions): Promise<AuditLog> {
  return AuditLog.open(new FileRecordLog(path), options);
}

async function fill(path: string, n: number, start = 0): Promise<AuditLog> {
  let t = Date.parse('2025-03-01T09:00:00.000Z') + start * 1000;
  const log = await openLog(path, { now: () => (t += 1000) });
  for (let i = 0; i < n; i++) {
    await log.append({ type: i % 2 ? 'annotation' : 'alert', operator: i % 3 ? 'ana' : 'ben', summary: `entry ${start + i}`, data: { i: start + i } });
  }
  return log;
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
}

describe('AuditLog', () => {
  it('chains each entry to the one before with sha256 over the canonical entry', async () => {
    const path = tempLog();
    const log = await fill(path, 3);
    await log.close();
    const entries = lines(path).filter(Boolean).map((l) => AuditEntrySchema.parse(JSON.parse(l)));
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]?.prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    expect(entries[0]?.ts).toBe('2025-03-01T09:00:01.000Z');
    for (const e of entries) expect(entryHash(e)).toBe(e.hash);
    // Key order does not matter to the hash; content does.
    const first = entries[0]!;
    const reordered = { hash: first.hash, data: first.data, summary: first.summary, operator: first.operator, type: first.type, ts: first.ts, prevHash: first.prevHash, seq: first.seq };
    expect(entryHash(reordered)).toBe(first.hash);
    expect(entryHash({ ...first, summary: 'entry 9' })).not.toBe(first.hash);
    expect(verifyAuditFile(path)).toEqual({ ok: true, entries: 3, tornLines: [] });
  });

  it('one changed byte in a middle line: verify names that line', async () => {
    const path = tempLog();
    await (await fill(path, 5)).close();
    const all = lines(path);
    all[2] = all[2]!.replace('entry 2', 'entry 7');
    writeFileSync(path, all.join('\n'));
    const result = verifyAuditFile(path);
    expect(result).toMatchObject({ ok: false, entries: 2, firstBadLine: 3 });
    expect(result.reason).toMatch(/hash does not match/);
  });

  it('a byte that breaks the JSON of a middle line is damage, not a torn write', async () => {
    const path = tempLog();
    await (await fill(path, 5)).close();
    const all = lines(path);
    all[1] = all[1]!.replace('"seq":2', '"seq":2,');
    writeFileSync(path, all.join('\n'));
    expect(verifyAuditFile(path)).toMatchObject({ ok: false, firstBadLine: 2, reason: expect.stringMatching(/damaged, not torn/) });
  });

  it('a removed middle line breaks the chain at the line after it', async () => {
    const path = tempLog();
    await (await fill(path, 4)).close();
    const all = lines(path);
    all.splice(1, 1);
    writeFileSync(path, all.join('\n'));
    expect(verifyAuditFile(path)).toMatchObject({ ok: false, firstBadLine: 2, reason: expect.stringMatching(/prevHash/) });
  });

  it('a truncated last line verifies up to the last complete line, and the chain continues after reopening', async () => {
    const path = tempLog();
    await (await fill(path, 4)).close();
    const size = readFileSync(path).length;
    truncateSync(path, size - 20);
    expect(verifyAuditFile(path)).toEqual({ ok: true, entries: 3, tornLines: [4] });

    const reopened = await openLog(path);
    expect(reopened.opened).toEqual({ ok: true, entries: 3, tornLines: [4] });
    const next = await reopened.append({ type: 'shift', operator: 'ben', summary: 'Shift handed to ben', data: {} });
    await reopened.close();
    expect(next.seq).toBe(4);
    expect(verifyAuditFile(path)).toEqual({ ok: true, entries: 4, tornLines: [4] });
    expect((await openLog(path)).entries().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('opens a tampered log, says so, and keeps recording after it', async () => {
    const path = tempLog();
    await (await fill(path, 4)).close();
    const all = lines(path);
    all[1] = all[1]!.replace('entry 1', 'entry X');
    writeFileSync(path, all.join('\n'));
    const log = await openLog(path);
    expect(log.opened).toMatchObject({ ok: false, firstBadLine: 2 });
    expect((await log.append({ type: 'alert', operator: 'ana', summary: 'still recording', data: {} })).seq).toBe(5);
    expect(verifyAuditFile(path)).toMatchObject({ ok: false, firstBadLine: 2, entries: 1 });
  });

  it('keeps only the newest entries in memory and filters them', async () => {
    const path = tempLog();
    await (await fill(path, 30)).close();
    const log = await openLog(path, { memoryCap: 10 });
    expect(log.entries().map((e) => e.seq)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(log.entries({ type: 'alert' }).every((e) => e.type === 'alert')).toBe(true);
    expect(log.entries({ operator: 'ben' }).map((e) => e.seq)).toEqual([22, 25, 28]);
    expect(log.entries({ text: 'ENTRY 27' }).map((e) => e.seq)).toEqual([28]);
    expect(log.entries({ limit: 2 }).map((e) => e.seq)).toEqual([29, 30]);
    await log.append({ type: 'launch', operator: 'ana', summary: 'T0 set', data: {} });
    expect(log.entries()).toHaveLength(10);
    expect(log.lastEntry?.seq).toBe(31);
  });

  it('refuses a bad entry with the field named, and makes a summary one line', async () => {
    const log = await openLog(tempLog());
    await expect(log.append({ type: 'nope' as 'alert', operator: 'a', summary: 's', data: {} })).rejects.toThrowError(/Invalid audit entry: type:/);
    await expect(log.append({ type: 'alert', operator: '', summary: 's', data: {} })).rejects.toThrowError(/operator:/);
    expect(await log.append({ type: 'alert', operator: 'a', summary: 'two\nlines  here', data: { gone: undefined, kept: 1 } })).toMatchObject({
      summary: 'two lines here',
      data: { kept: 1 },
    });
  });

  it('never writes the routing token, wherever it appears', async () => {
    const TOKEN = 'rt-9f8e7d6c5b4a';
    const path = tempLog();
    const log = await openLog(path, { secrets: [TOKEN] });
    const outcome: ActionOutcome = {
      intentId: 'i1',
      idempotencyKey: 'k1',
      request: { action: 'stop_all', operator: 'ana', reason: `pasted Bearer ${TOKEN} by mistake` },
      status: 'unverified',
      sent: true,
      applied: 'unknown',
      attempts: 4,
      elapsedMs: 9000,
      error: `401 for Bearer ${TOKEN}`,
      knownText: 'Sent 4 times, no reply, and read-back failed: whether the change is applied is unknown',
      runbook: [],
    };
    const entry = await log.append(actionAuditEntry(outcome, { figures: { turnLatencyP95: 1430 } }));
    await log.append({ type: 'config', operator: 'ana', summary: `token ${TOKEN}`, data: { [TOKEN]: [TOKEN] } });
    await log.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('[redacted]');
    expect(entry.summary).toBe(
      'Stop all (reason: pasted Bearer [redacted] by mistake): unverified. Sent 4 times, no reply, and read-back failed: whether the change is applied is unknown',
    );
    expect(verifyAuditFile(path).ok).toBe(true);
  });

  it('never writes a token entered after opening, once it is known', async () => {
    const ENTERED = 'rt-entered-in-the-app-42';
    const path = tempLog();
    const log = await openLog(path, { secrets: ['rt-from-the-environment'] });
    log.addSecret(ENTERED);
    await log.append({ type: 'action', operator: 'ana', summary: `401 for Bearer ${ENTERED}`, data: { error: `Bearer ${ENTERED}` } });
    await log.close();
    expect(readFileSync(path, 'utf8')).not.toContain(ENTERED);
    expect(verifyAuditFile(path).ok).toBe(true);
  });

  it('exports CSV (quoted, formula-safe) and JSONL', async () => {
    const log = await openLog(tempLog(), { now: () => Date.parse('2025-03-01T09:00:00.000Z') });
    const a = await log.append({ type: 'annotation', operator: 'ana', summary: 'said "hi", left', data: { n: 1 } });
    const b = await log.append({ type: 'alert', operator: '=cmd()', summary: '-1 calls', data: {} });
    const csv = [exportHeader('csv'), exportLine(a, 'csv'), exportLine(b, 'csv')].join('').split('\r\n');
    expect(csv[0]).toBe('seq,ts,type,operator,summary,data,prevHash,hash');
    expect(csv[1]).toBe(`1,2025-03-01T09:00:00.000Z,annotation,ana,"said ""hi"", left","{""n"":1}",${a.prevHash},${a.hash}`);
    expect(csv[2]).toBe(`2,2025-03-01T09:00:00.000Z,alert,'=cmd(),'-1 calls,{},${b.prevHash},${b.hash}`);
    expect(exportHeader('jsonl')).toBe('');
    const jsonl = [a, b].map((e) => exportLine(e, 'jsonl')).join('').trimEnd().split('\n');
    expect(jsonl.map((l) => AuditEntrySchema.parse(JSON.parse(l)))).toEqual([a, b]);
  });

  it('verifies a log longer than one read chunk, with multi-byte text across chunk edges', async () => {
    const path = tempLog();
    const log = await openLog(path);
    for (let i = 0; i < 400; i++) {
      await log.append({ type: 'annotation', operator: 'zoë', summary: `note ${i} — “ok” 🚦`, data: { text: 'é'.repeat(97 + (i % 13)) } });
    }
    await log.close();
    expect(readFileSync(path).length).toBeGreaterThan(3 * 64 * 1024);
    expect(verifyAuditFile(path)).toEqual({ ok: true, entries: 400, tornLines: [] });
    const reopened = await openLog(path, { memoryCap: 5 });
    expect(reopened.entries().map((e) => e.summary)).toEqual([395, 396, 397, 398, 399].map((i) => `note ${i} — “ok” 🚦`));
  });

  it('reports a line that is JSON but not an audit entry', async () => {
    const path = tempLog();
    await (await fill(path, 2)).close();
    appendFileSync(path, '{"seq":3}\n');
    expect(verifyAuditFile(path)).toMatchObject({ ok: false, firstBadLine: 3, reason: expect.stringMatching(/not an audit entry/) });
  });
});
