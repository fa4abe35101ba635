import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LaunchConfigSchema } from '../../shared/config.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import { GatesStore } from '../../electron/core/gates/gates-store.js';
import { heldAt, initialLadder, observe } from '../../electron/core/rollout/ladder.js';
import { LadderStore, RehearsalStore } from '../../electron/core/rollout/rollout-store.js';
import { finishRehearsal, startRehearsal } from '../../electron/core/rollout/rehearsal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function storage() {
  const dir = mkdtempSync(join(tmpdir(), 'rollout-stores-'));
  dirs.push(dir);
  return fileStorage(dir);
}
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 3, 1, 8);

describe('what the ladder and the gate table keep across a restart', () => {
  it('reads the ladder back with its spans and hold', async () => {
    const s = storage();
    const { stages } = LaunchConfigSchema.parse({}).rollout;
    const state = initialLadder();
    observe(state, stages, { share: 5, mode: 'live', agentVersion: 'v2' }, T0);
    observe(state, stages, { share: 5, mode: 'paused', agentVersion: 'v2' }, T0 + 5 * HOUR);
    const store = await LadderStore.open(s.document('rollout-ladder'));
    await store.save(state);
    const again = await LadderStore.open(s.document('rollout-ladder'));
    expect(again.problem).toBeNull();
    expect(again.loaded.spans.map((x) => x.name)).toEqual(['Canary']);
    expect(heldAt(again.loaded, T0 + 9 * HOUR)).toBe(5 * HOUR);
  });

  it('sets an unreadable ladder aside and says where', async () => {
    const s = storage();
    await s.document('rollout-ladder').write({ version: 9 });
    const store = await LadderStore.open(s.document('rollout-ladder'));
    expect(store.loaded.spans).toEqual([]);
    expect(store.problem).toMatch(/could not be read and was kept at .*rollout-ladder\.json\.unreadable/);
  });

  it('replays the gate table and the newest state of each rehearsal', async () => {
    const s = storage();
    const gates = await GatesStore.open(s.records('gates'));
    await gates.change({ t: 'owner', gate: 'security', name: 'Ana', by: 'Dana', at: 1 });
    await gates.change({ t: 'item', gate: 'security', index: 2, done: true, by: 'Ana', at: 2 });
    await gates.change({ t: 'risk', gate: 'scale', why: 'peak is in a month', by: 'Lee', at: 3 });
    await gates.change({ t: 'mode', mode: 'minimum', reason: 'pilot line', by: 'Lee', at: 4 });
    await gates.close();
    const back = await GatesStore.open(s.records('gates'));
    expect(back.records.get('security')).toMatchObject({ owner: 'Ana' });
    expect([...back.records.get('security')!.ticked]).toEqual([[2, 'Ana']]);
    expect(back.records.get('scale')!.risk).toEqual({ by: 'Lee', why: 'peak is in a month', at: 3 });
    expect(back.mode).toMatchObject({ mode: 'minimum', reason: 'pilot line' });

    const rehearsals = await RehearsalStore.open(s.records('rehearsals'));
    const r = startRehearsal({ id: 'r1', by: 'Dana', action: 'stop_all', provider: 'staging', live: false, at: T0, manualSteps: [] });
    await rehearsals.save(r);
    await rehearsals.save(finishRehearsal(r, T0 + HOUR, 15 * 60_000));
    await rehearsals.close();
    const kept = (await RehearsalStore.open(s.records('rehearsals'))).recent();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ id: 'r1', passed: false, finishedAt: T0 + HOUR });
  });
});
