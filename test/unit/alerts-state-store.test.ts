import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertTransition, RuleState } from '../../shared/alerts.js';
import { AlertLog } from '../../electron/core/alerts/alert-log.js';
import { AlertStateStore, type SavedAlertState } from '../../electron/core/alerts/alert-state-store.js';
import { FileJsonDocument } from '../../electron/core/storage/file-storage.js';

const T0 = Date.UTC(2026, 3, 1, 8);
const WALL = Date.UTC(2026, 3, 1, 9, 30, 15, 250);

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alert-state-'));
  path = join(dir, 'alert-state.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const openStore = () => new AlertStateStore(new FileJsonDocument(path));

/** A PII alert that fired, was acknowledged, and had its countdown cancelled; latency pending. */
function savedState(): SavedAlertState {
  const firing: RuleState = {
    ruleId: 'pii-event', state: 'firing', since: T0, value: 2, threshold: 0, clearThreshold: 0,
    reason: 'PII events 2 > 0 for 0 min', firedAt: T0, pendingSince: T0, sample: 40,
  };
  const pending: RuleState = {
    ruleId: 'turn-latency-p95', state: 'pending', since: T0 - 60_000, value: 1300, threshold: 1200, clearThreshold: 1100,
    reason: 'P95 turn latency 1.30 s > 1.20 s (pending 1 min of 15)', pendingSince: T0 - 60_000, sample: 80,
  };
  const fired: AlertTransition = {
    kind: 'fired', ruleId: 'pii-event', ruleName: 'PII event', severity: 'critical', kpi: 'piiEvents',
    from: 'ok', to: 'firing', at: T0, value: 2, threshold: 0, reason: firing.reason, episode: T0,
  };
  const log = new AlertLog();
  log.record([fired]);
  log.acknowledge('pii-event', 'Dana', WALL);
  return {
    states: [firing, pending],
    log: log.contents(),
    countdowns: [{
      ruleId: 'pii-event', ruleName: 'PII event', episode: T0, action: 'stop_all', scope: 'all', text: 'Stop all traffic',
      startedAt: WALL - 10_000, dueAt: WALL + 20_000, status: 'cancelled', endedAt: WALL, cancelledBy: 'Dana',
    }],
  };
}

describe('alert state store', () => {
  it('gives back what it saved, and an alert log restored from it keeps the acknowledgement', async () => {
    const state = savedState();
    await openStore().save(state);
    const loaded = await openStore().load(WALL);
    expect(loaded).toEqual({ saved: state, problem: null });

    const log = new AlertLog();
    log.restore(loaded.saved!.log);
    expect(log.acknowledgement('pii-event')).toMatchObject({ operator: 'Dana', at: WALL, episode: T0 });
    expect(log.acknowledge('pii-event', 'Sam', WALL + 1000).operator).toBe('Dana');
    expect(log.entries().map((e) => e.kind)).toEqual(['fired', 'acknowledged']);
  });

  it('starts with nothing when no file exists', async () => {
    expect(await openStore().load(WALL)).toEqual({ saved: null, problem: null });
  });

  it('sets a damaged file aside, says so, and never writes over it', async () => {
    writeFileSync(path, '{"version":1,"states":[');
    const store = openStore();
    const { saved, problem } = await store.load(WALL);
    const aside = `${path}.damaged-2026-04-01T09-30-15-250Z`;
    expect(saved).toBeNull();
    expect(problem).toContain(`The alert state in ${path} could not be read`);
    expect(problem).toContain(`kept as ${aside}`);
    expect(readFileSync(aside, 'utf8')).toBe('{"version":1,"states":[');
    expect(existsSync(path)).toBe(false);

    await store.save(savedState());
    expect(readFileSync(aside, 'utf8')).toBe('{"version":1,"states":[');
    expect((await openStore().load(WALL)).saved).toEqual(savedState());
  });

  it('names the field of a file that parses but does not hold alert state', async () => {
    const state = savedState();
    writeFileSync(path, JSON.stringify({ version: 1, ...state, states: [{ ...state.states[0], state: 'exploded' }] }));
    const { saved, problem } = await openStore().load(WALL);
    expect(saved).toBeNull();
    expect(problem).toMatch(/could not be read \(states\.0\.state: /);
    expect(readdirSync(dir)).toEqual(['alert-state.json.damaged-2026-04-01T09-30-15-250Z']);
  });

  it('keeps the alert log within its capacity when restoring a longer one', () => {
    const log = new AlertLog({ capacity: 1 });
    log.restore(savedState().log);
    expect(log.entries().map((e) => e.kind)).toEqual(['acknowledged']);
    expect(log.acknowledgement('pii-event')?.operator).toBe('Dana');
  });
});
