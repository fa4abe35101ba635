import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AloneJournal, JOURNAL_ID_FILE, MERGED_MARK_FILE } from '../../electron/core/alone/alone-journal.js';
import { scanAuditChain } from '../../electron/core/audit/chain.js';

/** The desk's journal of actions taken alone: what a restart, a crash or a lost mark may not lose or send twice. */

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lc-alone-journal-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const entry = (n: number) => ({ type: 'action' as const, operator: 'Olu', summary: `Pause ramp ${n}: verified`, data: { n } });

describe('AloneJournal', () => {
  it('keeps one journal id across restarts, made once and written whole', async () => {
    const first = await AloneJournal.open(dir);
    expect(first.journalId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    await first.append(entry(1));
    await first.close();
    const again = await AloneJournal.open(dir);
    expect(again.journalId).toBe(first.journalId);
    expect(JSON.parse(readFileSync(join(dir, JOURNAL_ID_FILE), 'utf8'))).toMatchObject({ version: 1, journalId: first.journalId });
    await again.close();
  });

  it('says what is not merged, moves the mark only forward, and keeps it across a restart', async () => {
    const j = await AloneJournal.open(dir);
    const [a, b, c] = [await j.append(entry(1)), await j.append(entry(2)), await j.append(entry(3))];
    expect(j.unmergedCount).toBe(3);
    await j.markMerged(b);
    expect((await j.unmerged()).map((e) => e.seq)).toEqual([c.seq]);
    expect(j.unmergedCount).toBe(1);
    await j.markMerged(a);
    expect(j.mergedUpTo).toEqual({ seq: b.seq, hash: b.hash });
    await j.close();
    const again = await AloneJournal.open(dir);
    expect(again.unmergedCount).toBe(1);
    expect((await again.unmerged()).map((e) => e.hash)).toEqual([c.hash]);
    await again.close();
  });

  it('a lost or unreadable mark only sends everything again (the team log takes it as already merged)', async () => {
    const j = await AloneJournal.open(dir);
    const a = await j.append(entry(1));
    await j.markMerged(a);
    await j.close();
    writeFileSync(join(dir, MERGED_MARK_FILE), '{ torn');
    const again = await AloneJournal.open(dir);
    expect(again.unmergedCount).toBe(1);
    await again.close();
  });

  it('a line torn by a crash is skipped and the chain goes on from the last whole entry', async () => {
    const j = await AloneJournal.open(dir);
    await j.append(entry(1));
    await j.close();
    appendFileSync(join(dir, 'audit.jsonl'), '{"seq":2,"ts":"2026');
    const again = await AloneJournal.open(dir);
    expect(again.opened.ok).toBe(true);
    const next = await again.append(entry(2));
    expect(next.seq).toBe(2);
    expect((await again.unmerged()).map((e) => e.seq)).toEqual([1, 2]);
    expect(scanAuditChain(again.location).ok).toBe(true);
    await again.close();
  });

  it('refuses to make a new id for entries whose id cannot be read, naming the folder', async () => {
    const j = await AloneJournal.open(dir);
    await j.append(entry(1));
    await j.close();
    writeFileSync(join(dir, JOURNAL_ID_FILE), 'not json');
    await expect(AloneJournal.open(dir)).rejects.toThrow(/journal id .* cannot be read .* must be merged by hand/);
  });

  it('never writes a secret it was given', async () => {
    const j = await AloneJournal.open(dir, { secrets: ['tok-123456789'] });
    await j.append({ ...entry(1), summary: 'sent with tok-123456789' });
    await j.close();
    expect(readFileSync(join(dir, 'audit.jsonl'), 'utf8')).not.toContain('tok-123456789');
  });
});
