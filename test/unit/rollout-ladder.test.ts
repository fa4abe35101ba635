import { describe, expect, it } from 'vitest';
import { LaunchConfigSchema } from '../../shared/config.js';
import type { StageFigures } from '../../shared/rollout.js';
import { evaluateCriteria } from '../../electron/core/rollout/criteria.js';
import { currentSpan, heldAt, holdRemaining, initialLadder, noteCriticalAlert, observe, returnTo } from '../../electron/core/rollout/ladder.js';
import { addStep, finishRehearsal, startRehearsal } from '../../electron/core/rollout/rehearsal.js';
import { addPoint, POINTS_KEPT } from '../../electron/core/rollout/stage-series.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 3, 1, 8);
const { stages } = LaunchConfigSchema.parse({}).rollout;
const live = (share: number, agentVersion = 'v2') => ({ share, mode: 'live' as const, agentVersion });

function figures(rate: number, connected: number): StageFigures {
  const kpis = Object.fromEntries(['taskCompletion'].map((k) => [k, rate])) as StageFigures['kpis'];
  return { label: 'figures over the stage', from: T0, to: T0, counts: { allCalls: connected * 20, calls: connected, connected, agentTurns: 0, toolCalls: 0, escalations: 0 }, kpis };
}

describe('the default ladder', () => {
  it('is the practice: pilot 0% for 1-3 days, canary 5% 1-3 days, limited 25% 3-7 days, broad 50% 7 days, full 100%', () => {
    expect(stages.map((s) => [s.name, s.share, s.minHoldMin / 1440, s.maxHoldMin === undefined ? null : s.maxHoldMin / 1440])).toEqual([
      ['Pilot', 0, 1, 3],
      ['Canary', 5, 1, 3],
      ['Limited', 25, 3, 7],
      ['Broad', 50, 7, null],
      ['Full', 100, 0, null],
    ]);
    expect(stages[1]!.sampleReview).toBe(true);
    expect(stages[0]!.checks).toHaveLength(1);
  });
});

describe('the ladder state machine on a launch clock', () => {
  it('takes its stage from the provider and counts the hold over days only while routing is live', () => {
    const s = initialLadder();
    expect(observe(s, stages, live(5), T0).position).toEqual({ kind: 'on', stage: 1 });
    observe(s, stages, live(5), T0 + 10 * HOUR);
    expect(heldAt(s, T0 + 10 * HOUR)).toBe(10 * HOUR);
    // Paused for six hours: the hold stops and resumes where it was.
    observe(s, stages, { ...live(5), mode: 'paused' }, T0 + 10 * HOUR);
    expect(observe(s, stages, { ...live(5), mode: 'paused' }, T0 + 16 * HOUR).position.kind).toBe('on');
    expect(heldAt(s, T0 + 16 * HOUR)).toBe(10 * HOUR);
    expect(s.frozenWhy).toMatch(/Ramp paused/);
    observe(s, stages, live(5), T0 + 16 * HOUR);
    expect(holdRemaining(s, stages, T0 + 20 * HOUR)).toBe(DAY - 14 * HOUR);
    expect(holdRemaining(s, stages, T0 + 30 * HOUR)).toBe(0);
    expect(currentSpan(s)!.pausedMs).toBe(6 * HOUR);
  });

  it('shows a share that is no stage as off the ladder with both figures, and counts nothing meanwhile', () => {
    const s = initialLadder();
    observe(s, stages, live(5), T0);
    const { position } = observe(s, stages, live(12), T0 + HOUR);
    expect(position).toMatchObject({ kind: 'off', providerShare: 12, stage: 1 });
    expect(position.kind === 'off' && position.why).toBe("The provider's share is 12%; the ladder's stage Canary is 5%");
    observe(s, stages, live(12), T0 + 5 * HOUR);
    expect(heldAt(s, T0 + 5 * HOUR)).toBe(HOUR);
  });

  it('records a promotion with who sent it, and the stage span with its figures at exit', () => {
    const s = initialLadder();
    observe(s, stages, live(5), T0);
    s.promoting = { to: 25, by: 'Dana', at: T0 + DAY };
    const { events } = observe(s, stages, live(25), T0 + DAY + MIN, figures(0.9, 500));
    expect(events.map((e) => e.kind)).toEqual(['left', 'entered']);
    expect(s.spans[0]).toMatchObject({ name: 'Canary', from: T0, to: T0 + DAY + MIN, heldMs: DAY + MIN, leftHow: 'promoted by Dana', leftBy: 'Dana' });
    expect(s.spans[0]!.figuresAtExit!.counts.connected).toBe(500);
    expect(s.spans[1]).toMatchObject({ name: 'Limited', enteredHow: 'promoted by Dana', to: null });
    expect(heldAt(s, T0 + DAY + MIN)).toBe(0);
  });

  it('halts on a stop or a rollback until the owner picks the stage to return to', () => {
    const s = initialLadder();
    observe(s, stages, live(25), T0);
    const stop = observe(s, stages, { ...live(25), mode: 'stopped' }, T0 + HOUR);
    expect(stop.position).toMatchObject({ kind: 'halted', why: 'All traffic stopped' });
    expect(observe(s, stages, live(25), T0 + 2 * HOUR).position.kind).toBe('halted');
    returnTo(s, stages, 1, 'Dana', T0 + 2 * HOUR, null);
    expect(observe(s, stages, live(5), T0 + 2 * HOUR).position).toEqual({ kind: 'on', stage: 1 });
    expect(s.spans.map((x) => x.leftHow)).toEqual(['All traffic stopped; returned to Canary by Dana', null]);
    expect(observe(s, stages, live(5, 'v1'), T0 + 3 * HOUR).position).toMatchObject({ kind: 'halted', why: 'Agent version changed to v1 (a rollback)' });
  });

  it('keeps each critical alert once per episode, only within the stage', () => {
    const s = initialLadder();
    observe(s, stages, live(5), T0);
    expect(noteCriticalAlert(s, { ruleId: 'pii', name: 'PII event', at: T0 - MIN })).toBe(false);
    expect(noteCriticalAlert(s, { ruleId: 'pii', name: 'PII event', at: T0 + MIN })).toBe(true);
    expect(noteCriticalAlert(s, { ruleId: 'pii', name: 'PII event', at: T0 + MIN })).toBe(false);
  });
});

describe('promotion criteria', () => {
  const canary = stages[1]!;
  const base = () => {
    const s = initialLadder();
    observe(s, stages, live(5), T0);
    return { stage: canary, span: currentSpan(s)!, heldMs: DAY, rules: [], checks: [{ text: 'Support volume normal', done: null }], samples: [] };
  };

  it('judges task completion by the Wilson lower bound and says how many more calls it needs', () => {
    // By hand (z = 1.6449): 38 of 40 (95%) has a lower bound of 85.97%, clearing 85%; 36 of 40 (90%) has 79.50%.
    const met = evaluateCriteria({ ...base(), figures: figures(0.95, 40) }).find((c) => c.kpi === 'taskCompletion')!;
    expect(met.state).toBe('met');
    expect(met.bound).toBeCloseTo(0.8597, 4);
    const waiting = evaluateCriteria({ ...base(), figures: figures(0.9, 40) }).find((c) => c.kpi === 'taskCompletion')!;
    expect(waiting).toMatchObject({ state: 'waiting', estimate: 0.9 });
    expect(waiting.bound).toBeCloseTo(0.795, 4);
    // n > z^2 p0 (1 - p0) / (p - p0)^2 = 2.7055 * 0.1275 / 0.0025 = 137.98: 138 calls, 98 more.
    expect(waiting.callsNeeded).toBe(98);
    expect(waiting.reason).toMatch(/^not enough calls yet: 98 more needed at the current rate\. Task completion 90% \(95% lower bound 79\.5%\) over 40 connected calls/);
    const low = evaluateCriteria({ ...base(), figures: figures(0.8, 4000) }).find((c) => c.kpi === 'taskCompletion')!;
    expect(low.state).toBe('unmet');
  });

  it('holds on a critical alert in the stage, naming the rule for its recommended action', () => {
    const input = base();
    input.span.criticalAlerts.push({ ruleId: 'agent-error-rate', name: 'Agent-caused error rate', at: T0 + HOUR });
    const c = evaluateCriteria({ ...input, figures: null }).find((x) => x.id === 'criterion-0')!;
    expect(c).toMatchObject({ state: 'unmet', ruleId: 'agent-error-rate' });
    expect(c.reason).toBe('Agent-caused error rate fired at 09:00 UTC in this stage (1 in all)');
  });

  it('needs the hold, the named check and a fully annotated sample from the stage', () => {
    const c = evaluateCriteria({ ...base(), heldMs: 20 * HOUR, figures: figures(0.95, 400), samples: [{ id: 's', name: 'Canary day 1', annotated: 12, total: 24 }] });
    expect(c.map((x) => [x.id, x.state])).toEqual([
      ['hold', 'waiting'],
      ['criterion-0', 'met'],
      ['criterion-1', 'met'],
      ['check-0', 'waiting'],
      ['sample', 'waiting'],
    ]);
    expect(c[0]!.reason).toBe('Held 20 h of 24 h: 4 h to go');
    expect(c[4]!.reason).toBe('"Canary day 1": 12 of 24 calls annotated');
  });
});

describe("a stage's record over days", () => {
  it('stays within its bound over 14 days of points', () => {
    const series: Parameters<typeof addPoint>[0] = [];
    for (let t = 0; t <= 14 * DAY; t += MIN) addPoint(series, figures(0.9, 100), T0 + t);
    expect(series.length).toBeLessThanOrEqual(POINTS_KEPT);
    expect(series.at(-1)!.t).toBeGreaterThan(T0 + 14 * DAY - 2 * HOUR * 2);
  });
});

describe('a rehearsal', () => {
  it('passes when verified, fallback seen and restored under the time to beat', () => {
    let r = startRehearsal({ id: 'r', by: 'Dana', action: 'route_fallback', provider: 'staging', live: false, at: T0, manualSteps: [] });
    r = addStep(r, 'triggered', 'Sent', T0 + 5_000);
    r = addStep(r, 'verified', 'Verified', T0 + 7_000);
    r = addStep(r, 'fallback-heard', 'Heard the fallback', T0 + 3 * MIN);
    r = addStep(r, 'restored', 'Restore verified', T0 + 6 * MIN);
    const done = finishRehearsal(r, T0 + 7 * MIN, 15 * MIN);
    expect(done).toMatchObject({ passed: true, totalMs: 6 * MIN, verdict: 'Passed: restored in 6 min, under 15 min' });
    const slow = finishRehearsal(addStep(startRehearsal({ ...r, at: T0, manualSteps: [] }), 'verified', 'v', T0 + MIN), T0 + 20 * MIN, 15 * MIN);
    expect(slow.passed).toBe(false);
    expect(slow.verdict).toBe('Failed: no new call was seen or heard on the fallback; routing was not restored; took 20 min, not under 15 min');
  });
});
