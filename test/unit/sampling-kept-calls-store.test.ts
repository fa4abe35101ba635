import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import { createPrng } from '../../electron/core/sampling/prng.js';
import { CallSampler } from '../../electron/core/sampling/reservoir.js';
import { KeptCallsStore, type KeptCallsStoreOptions } from '../../electron/core/sampling/kept-calls-store.js';
import { FileRecordLog } from '../../electron/core/storage/file-storage.js';
import { callRecord } from '../support/call-record.js';

const T0 = Date.UTC(2025, 4, 1, 8, 0, 0);
const CAPS = { perIntent: 12, maxIntents: 3, failureCap: 15 };

function call(i: number): CallRecord {
  const at = new Date(T0 + i * 30_000).toISOString();
  return callRecord({
    id: `c${i}`, startedAt: at, endedAt: at, intent: `intent_${i % 5}`,
    route: i % 13 === 0 ? 'fallback' : 'agent', outcome: i % 7 === 0 ? 'failed' : 'completed',
    turns: [{ speaker: 'caller', text: `hello ${i}`, startMs: 0, endMs: 900 }],
  });
}

function stateOf(sampler: CallSampler) {
  return {
    slots: sampler.slots().map((s) => [s.intent, s.items.map((e) => e.call.id)]),
    failures: sampler.failureSlots().map((e) => e.call.id),
    stats: sampler.stats(),
    cells: sampler.traffic.cells(),
  };
}

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kept-calls-'));
  path = join(dir, 'kept-calls.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lineCount = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l !== '').length;

describe('kept-calls store', () => {
  const options = (extra: Partial<KeptCallsStoreOptions> = {}): KeptCallsStoreOptions => ({ log: new FileRecordLog(path), seed: 11, ...CAPS, clock: () => 0, ...extra });

  it('reloads the same reservoirs after a clean close and carries on as if never stopped', async () => {
    const reference = new CallSampler({ rng: createPrng(11), ...CAPS });
    const store = await KeptCallsStore.open(options({ compactFactor: 3 }));
    for (let i = 0; i < 3000; i++) {
      store.offer(call(i));
      reference.offer(call(i));
    }
    await store.close();
    expect(lineCount(path)).toBeLessThanOrEqual(3 * store.sampler.capacity);

    const reopened = await KeptCallsStore.open(options({ compactFactor: 3 }));
    expect(reopened.problems).toEqual([]);
    expect(stateOf(reopened.sampler)).toEqual(stateOf(reference));
    for (let i = 3000; i < 4000; i++) {
      reopened.offer(call(i));
      reference.offer(call(i));
    }
    expect(stateOf(reopened.sampler)).toEqual(stateOf(reference));
    await reopened.close();
  });

  it('holds the log to a few times the capacity by compacting, and the compacted log loads', async () => {
    const store = await KeptCallsStore.open(options({ compactFactor: 2 }));
    let longest = 0;
    for (let i = 0; i < 20_000; i++) {
      store.offer(call(i));
      longest = Math.max(longest, store.logLines);
    }
    expect(longest).toBeLessThanOrEqual(2 * store.sampler.capacity + 1);
    await store.written();
    expect(lineCount(path)).toBe(store.logLines);
    const before = stateOf(store.sampler);
    await store.close();
    expect(stateOf((await KeptCallsStore.open(options())).sampler)).toEqual(before);
  });

  it('loses no kept call when the process dies without closing', async () => {
    const store = await KeptCallsStore.open(options({ tallyEveryCalls: 1_000_000 }));
    for (let i = 0; i < 500; i++) store.offer(call(i));
    await store.written();
    const kept = store.sampler.pool().map((k) => k.call.id).sort();
    const reloaded = await KeptCallsStore.open(options());
    expect(reloaded.sampler.pool().map((k) => k.call.id).sort()).toEqual(kept);
  });

  it('writes a tally when the clock says so, so traffic survives a crash too', async () => {
    let now = 0;
    const store = await KeptCallsStore.open(options({ clock: () => now, tallyEveryCalls: 1_000_000, tallyEveryMs: 10_000 }));
    for (let i = 0; i < 400; i++) store.offer(call(i));
    now = 10_000;
    store.offer(call(400));
    await store.written();
    const reloaded = await KeptCallsStore.open(options());
    const range = { from: T0, to: T0 + 24 * 3_600_000 };
    expect(reloaded.sampler.trafficIn(range)).toEqual(store.sampler.trafficIn(range));
    expect(reloaded.sampler.stats()).toEqual(store.sampler.stats());
  });

  it('skips a torn last line, keeps appending after it, and reports it', async () => {
    const store = await KeptCallsStore.open(options());
    for (let i = 0; i < 300; i++) store.offer(call(i));
    await store.close();
    const expected = stateOf(store.sampler);
    appendFileSync(path, '{"t":"keep","intent":"intent_1","call":{"id":"c9');

    const afterCrash = await KeptCallsStore.open(options());
    expect(afterCrash.problems).toHaveLength(1);
    expect(stateOf(afterCrash.sampler)).toEqual(expected);
    for (let i = 300; i < 400; i++) afterCrash.offer(call(i));
    await afterCrash.close();
    const again = await KeptCallsStore.open(options());
    expect(again.problems).toHaveLength(1);
    expect(stateOf(again.sampler)).toEqual(stateOf(afterCrash.sampler));
  });

  it('loads a log cut at any byte, keeping only calls that were really kept', async () => {
    const store = await KeptCallsStore.open(options({ compactFactor: 1000, tallyEveryCalls: 50 }));
    const everKept = new Set<string>();
    for (let i = 0; i < 600; i++) if (store.offer(call(i)).placements.length > 0) everKept.add(`c${i}`);
    await store.close();
    const full = readFileSync(path);
    const rng = createPrng(5);
    for (let k = 0; k < 25; k++) {
      const cut = rng.int(full.length);
      writeFileSync(path, full.subarray(0, cut));
      const loaded = await KeptCallsStore.open(options());
      expect(loaded.problems.length).toBeLessThanOrEqual(1);
      expect(loaded.sampler.keptCount()).toBeLessThanOrEqual(loaded.sampler.capacity);
      for (const k2 of loaded.sampler.pool()) expect(everKept.has(k2.call.id)).toBe(true);
    }
    truncateSync(path, 0);
    expect((await KeptCallsStore.open(options())).sampler.keptCount()).toBe(0);
    expect(statSync(path).size).toBe(0);
  });

  it('names the field of a damaged line it skipped', async () => {
    writeFileSync(path, `${JSON.stringify({ t: 'tally', cells: [], seen: [], nf: -1, rng: [1, 2, 3, 4] })}\n`);
    const store = await KeptCallsStore.open(options());
    expect(store.problems).toEqual([{ line: 1, reason: expect.stringMatching(/^nf: /) }]);
  });
});
