import { describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '../../shared/config.js';
import type { AlertStateName, AutoActCountdown, RuleState } from '../../shared/alerts.js';
import {
  autoActRequest,
  cancelCountdown,
  remainingSec,
  stepAutoAct,
  type Countdowns,
} from '../../electron/core/alerts/auto-act.js';

const W0 = Date.UTC(2025, 5, 2, 9, 0, 0);
const EPISODE = W0 - 5_000;

function armedRule(overrides: Record<string, unknown> = {}): AlertRule {
  return AlertRuleSchema.parse({
    id: 'errors',
    name: 'Agent-caused error rate above 0.5%',
    kpi: 'agentErrorRate',
    comparison: 'above',
    threshold: 0.005,
    severity: 'critical',
    recommendedAction: { action: 'rollback', text: 'Roll back to the previous agent version', autoAct: true, countdownSec: 60 },
    ...overrides,
  });
}

function state(s: AlertStateName, firedAt?: number): Map<string, RuleState> {
  const rs: RuleState = { ruleId: 'errors', state: s, since: EPISODE, value: 0.02, threshold: 0.005, clearThreshold: 0.005, reason: '', sample: 400 };
  if (firedAt !== undefined) rs.firedAt = firedAt;
  return new Map([['errors', rs]]);
}

/** Steps the countdowns along the wall clock, collecting what the host would see. */
function host(rules: AlertRule[]) {
  let countdowns: Countdowns = new Map();
  const started: AutoActCountdown[] = [];
  const due: AutoActCountdown[] = [];
  const withdrawn: AutoActCountdown[] = [];
  return {
    step(states: Map<string, RuleState>, now: number) {
      const s = stepAutoAct(countdowns, rules, states, now);
      countdowns = s.countdowns;
      started.push(...s.started);
      due.push(...s.due);
      withdrawn.push(...s.withdrawn);
      return countdowns.get('errors');
    },
    cancel(operator: string, now: number) {
      countdowns = cancelCountdown(countdowns, 'errors', operator, now);
      return countdowns.get('errors');
    },
    started,
    due,
    withdrawn,
  };
}

describe('auto-act countdown', () => {
  it('counts down from the first firing step and comes due exactly once', () => {
    const h = host([armedRule()]);
    const c = h.step(state('firing', EPISODE), W0);
    expect(c).toMatchObject({ status: 'counting', episode: EPISODE, startedAt: W0, dueAt: W0 + 60_000 });
    if (!c) throw new Error('no countdown');
    expect(remainingSec(c, W0)).toBe(60);
    expect(remainingSec(c, W0 + 29_500)).toBe(31);
    expect(remainingSec(c, W0 + 59_999)).toBe(1);
    expect(h.step(state('firing', EPISODE), W0 + 59_999)?.status).toBe('counting');
    expect(h.step(state('firing', EPISODE), W0 + 60_000)?.status).toBe('due');
    for (let t = 1; t <= 5; t++) h.step(state('firing', EPISODE), W0 + 60_000 + t * 1000);
    expect(h.started).toHaveLength(1);
    expect(h.due).toHaveLength(1);
    expect(autoActRequest(h.due[0] as AutoActCountdown)).toEqual({
      action: 'rollback',
      reason: 'Automatic action after a 60 s countdown: Agent-caused error rate above 0.5%. Roll back to the previous agent version',
      operator: 'auto-act',
    });
  });

  it('stops when the operator cancels, and does not start again in the same episode', () => {
    const h = host([armedRule()]);
    h.step(state('firing', EPISODE), W0);
    const cancelled = h.cancel('dana', W0 + 10_000);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: 'dana', endedAt: W0 + 10_000 });
    for (let t = 11; t <= 120; t++) h.step(state('firing', EPISODE), W0 + t * 1000);
    expect(h.due).toHaveLength(0);
    expect(h.started).toHaveLength(1);
    expect(() => h.cancel('dana', W0 + 121_000)).toThrowError('no countdown is running for rule "errors"');

    const next = h.step(state('firing', EPISODE + 600_000), W0 + 700_000);
    expect(next).toMatchObject({ status: 'counting', episode: EPISODE + 600_000 });
  });

  it('is withdrawn when the episode ends before the countdown does', () => {
    const h = host([armedRule()]);
    h.step(state('firing', EPISODE), W0);
    const w = h.step(state('resolved'), W0 + 20_000);
    expect(w).toMatchObject({ status: 'withdrawn', note: "the alert's episode ended (resolved) before the countdown did" });
    h.step(state('firing', EPISODE + 600_000), W0 + 30_000);
    h.step(state('firing', EPISODE + 600_000), W0 + 200_000);
    expect(h.due).toHaveLength(1);
    expect(h.due[0]?.episode).toBe(EPISODE + 600_000);
    expect(h.withdrawn).toHaveLength(1);
  });

  it('never starts for a rule not set to act, nor for a warning', () => {
    const off = host([armedRule({ recommendedAction: { action: 'rollback', text: 'Roll back' } })]);
    expect(off.step(state('firing', EPISODE), W0)).toBeUndefined();
    // rulesFromConfig rejects auto-act on a warning; the countdown ignores one all the same.
    const warning = host([armedRule({ severity: 'warning' })]);
    expect(warning.step(state('firing', EPISODE), W0)).toBeUndefined();
  });

  it('applies a scoped rule\'s action to its intent only', () => {
    const h = host([armedRule({ scope: 'order_status', recommendedAction: { action: 'route_fallback', text: 'Fallback', autoAct: true, countdownSec: 5 } })]);
    h.step(state('firing', EPISODE), W0);
    h.step(state('firing', EPISODE), W0 + 5_000);
    expect(autoActRequest(h.due[0] as AutoActCountdown)).toMatchObject({ action: 'route_fallback', intents: ['order_status'] });
  });

  it('withdraws a running countdown when its rule is removed from the configuration', () => {
    let countdowns: Countdowns = stepAutoAct(new Map(), [armedRule()], state('firing', EPISODE), W0).countdowns;
    const s = stepAutoAct(countdowns, [], new Map(), W0 + 1000);
    countdowns = s.countdowns;
    expect(s.withdrawn).toMatchObject([{ ruleId: 'errors', note: 'rule removed' }]);
    expect(countdowns.size).toBe(0);
  });
});
