import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type JournalRecord } from '../../relay/journal.js';
import { callRecord } from '../support/call-record.js';

/** The relay's journal: replay after a restart, a write torn by a crash, segments rolling off. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function fill(journal: Journal, from: number, count: number): Promise<void> {
  const writes: Promise<void>[] = [];
  for (let i = from; i < from + count; i++) {
    writes.push(journal.appendCall({ key: `vapi:c${i}`, at: i, keys: [`k${i}`], sids: [], call: callRecord({ id: `c${i}`, intent: `intent-${i % 7}` }) }).durable);
  }
  await Promise.all(writes);
}

describe('relay journal', () => {
  it('serves calls only once durable, and the same calls after reopening, read in blocks across segments', async () => {
    const journal = Journal.open({ dir, capacity: 5000, segmentBytes: 16 * 1024 }, () => undefined);
    const { seq, durable } = journal.appendCall({ key: 'vapi:c0', at: 0, keys: ['k0'], sids: [], call: callRecord({ id: 'c0' }) });
    expect(seq).toBe(1);
    expect(journal.newestSeq).toBe(0);
    await durable;
    expect(journal.newestSeq).toBe(1);
    await fill(journal, 1, 2999);
    await journal.close();

    const replayed: JournalRecord[] = [];
    const again = Journal.open({ dir, capacity: 5000, segmentBytes: 16 * 1024 }, (r) => replayed.push(r));
    expect(replayed).toHaveLength(3000);
    const ids = [...again.after(0)].map((e) => (e.payload as { call: { id: string } }).call.id);
    expect(ids).toEqual(Array.from({ length: 3000 }, (_, i) => `c${i}`));
    expect(readdirSync(dir).length).toBeGreaterThan(3);
    await again.close();
  });

  it('drops segments older than the replay buffer, keeping what a resume can ask for', async () => {
    const journal = Journal.open({ dir, capacity: 100, segmentBytes: 8 * 1024 }, () => undefined);
    await fill(journal, 0, 2000);
    const seqs = [...journal.after(0)].map((e) => e.payload.seq);
    expect(seqs[0]).toBe(1901);
    expect(seqs.at(-1)).toBe(2000);
    expect(readdirSync(dir).length).toBeLessThan(20);
    await journal.close();
  });

  it('cuts a line torn by a crash and goes on appending after it', async () => {
    const journal = Journal.open({ dir, capacity: 100 }, () => undefined);
    await fill(journal, 0, 10);
    await journal.close();
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment ?? ''), '{"k":"call","seq":11,"key":"vapi:c10","at":1,"ke');
    const reopened = Journal.open({ dir, capacity: 100 }, () => undefined);
    expect(reopened.tornBytes).toBeGreaterThan(0);
    expect(reopened.newestSeq).toBe(10);
    await fill(reopened, 10, 5);
    await reopened.close();
    const records: JournalRecord[] = [];
    Journal.open({ dir, capacity: 100 }, (r) => records.push(r));
    expect(records.map((r) => (r.k === 'call' ? r.seq : 0))).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });
});
