import { describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '../../shared/config.js';
import type { AlertStateName, AutoActCountdown, RuleState } from '../../shared/alerts.js';
import { cancelCountdown, remainingSec, RESUME_FLOOR_MS, stepAutoAct, type Countdowns } from '../../electron/core/alerts/auto-act.js';

const W0 = Date.UTC(2026, 3, 1, 3, 0, 0);
const EPISODE = W0 - 60_000;

const rule: AlertRule = AlertRuleSchema.parse({
  id: 'errors',
  name: 'Agent-caused error rate above 0.5%',
  kpi: 'agentErrorRate',
  comparison: 'above',
  threshold: 0.005,
  severity: 'critical',
  recommendedAction: { action: 'rollback', text: 'Roll back to the previous agent version', autoAct: true, countdownSec: 60 },
});

function state(s: AlertStateName, firedAt: number | null = EPISODE): Map<string, RuleState> {
  const rs: RuleState = { ruleId: 'errors', state: s, since: EPISODE, value: 0.02, threshold: 0.005, clearThreshold: 0.005, reason: '', sample: 400 };
  if (firedAt !== null) rs.firedAt = firedAt;
  return new Map([['errors', rs]]);
}

function host() {
  let countdowns: Countdowns = new Map();
  const seen = { started: [] as AutoActCountdown[], due: [] as AutoActCountdown[], withdrawn: [] as AutoActCountdown[], paused: [] as AutoActCountdown[], resumed: [] as AutoActCountdown[] };
  return {
    step(states: Map<string, RuleState>, now: number) {
      const s = stepAutoAct(countdowns, [rule], states, now);
      countdowns = s.countdowns;
      for (const k of ['started', 'due', 'withdrawn', 'paused', 'resumed'] as const) seen[k].push(...s[k]);
      return countdowns.get('errors');
    },
    cancel(now: number) {
      countdowns = cancelCountdown(countdowns, 'errors', 'dana', now);
      return countdowns.get('errors');
    },
    seen,
  };
}

describe('an armed auto-act through a recovering or no-data spell', () => {
  it('pauses on a recovering tick and resumes with the time it had left when the breach returns', () => {
    const h = host();
    h.step(state('firing'), W0);
    const paused = h.step(state('recovering'), W0 + 20_000);
    expect(paused).toMatchObject({ status: 'paused', remainingMs: 40_000, pausedAt: W0 + 20_000, note: 'the alert is recovering' });
    if (!paused) throw new Error('no countdown');
    expect(remainingSec(paused, W0 + 500_000)).toBe(40);
    // However long the spell, a paused countdown never comes due.
    h.step(state('recovering'), W0 + 500_000);
    expect(h.seen.due).toHaveLength(0);

    const resumed = h.step(state('firing'), W0 + 600_000);
    expect(resumed).toMatchObject({ status: 'counting', dueAt: W0 + 640_000 });
    expect(resumed?.remainingMs).toBeUndefined();
    expect(h.step(state('firing'), W0 + 639_999)?.status).toBe('counting');
    expect(h.step(state('firing'), W0 + 640_000)?.status).toBe('due');
    expect(h.seen.started).toHaveLength(1);
    expect(h.seen.paused).toHaveLength(1);
    expect(h.seen.resumed).toHaveLength(1);
    expect(h.seen.due).toHaveLength(1);
    expect(h.seen.withdrawn).toHaveLength(0);
  });

  it('pauses through a no-data gap, and leaves at least a few seconds after one that outlasted it', () => {
    const h = host();
    h.step(state('firing'), W0);
    expect(h.step(state('nodata'), W0 + 59_000)).toMatchObject({ status: 'paused', remainingMs: 1_000, note: 'no data for the alert' });
    expect(h.step(state('firing'), W0 + 120_000)).toMatchObject({ status: 'counting', dueAt: W0 + 120_000 + RESUME_FLOOR_MS });
  });

  it('is withdrawn when the episode closes while paused, and can be cancelled while paused', () => {
    const closing = host();
    closing.step(state('firing'), W0);
    closing.step(state('recovering'), W0 + 10_000);
    expect(closing.step(state('resolved', null), W0 + 20_000)).toMatchObject({ status: 'withdrawn' });

    const cancelling = host();
    cancelling.step(state('firing'), W0);
    cancelling.step(state('nodata'), W0 + 10_000);
    expect(cancelling.cancel(W0 + 15_000)).toMatchObject({ status: 'cancelled', cancelledBy: 'dana' });
    cancelling.step(state('firing'), W0 + 20_000);
    cancelling.step(state('firing'), W0 + 200_000);
    expect(cancelling.seen.due).toHaveLength(0);
  });
});
