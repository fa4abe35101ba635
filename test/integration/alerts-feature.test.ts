import { describe, it } from 'vitest';
import { defaultRules } from '../../electron/core/alerts/default-rules.js';
import { HttpRoutingProvider } from '../../electron/core/routing/provider.js';
import type { FaultName } from '../../sim/faults.js';
import { MIN, startAlertsRun, type AlertsRun } from './alerts-feature-harness.js';

/**
 * Each simulator fault scenario, in accelerated time, fires the rule the launch checklist ties
 * to it, no critical rule it should not, and clears after a rollback. The faults belong to the
 * version going live, so a rollback to the previous version is the cure for all of them.
 */

interface Case {
  scenario: FaultName;
  /** The rule the scenario must fire. */
  expected: string;
  /** Other critical rules the scenario really breaks, with why; any other critical firing fails the test. */
  alsoCritical: Record<string, string>;
}

const CASES: Case[] = [
  { scenario: 'latency-spike', expected: 'turn-latency-p95', alsoCritical: {} },
  {
    scenario: 'tool-outage',
    expected: 'tool-failures-vs-baseline',
    alsoCritical: {
      'agent-error-rate': 'a tool failing twice is an error in the agent call itself (its errors list)',
      'escalation-context': 'the hand-off to a human is itself a tool call (crm.create_handoff), so hand-offs lose their context',
      'task-completion': 'calls whose tools fail do not complete their task',
    },
  },
  { scenario: 'pii-leak', expected: 'pii-event', alsoCritical: {} },
  { scenario: 'escalation-context-loss', expected: 'escalation-context', alsoCritical: {} },
  {
    scenario: 'asr-degradation',
    expected: 'task-completion',
    alsoCritical: { 'agent-error-rate': 'a caller not understood ends the call with an agent-side speech-recognition error' },
  },
  { scenario: 'connection-failures', expected: 'failed-connections-vs-baseline', alsoCritical: {} },
];

const critical = new Set(defaultRules().filter((r) => r.severity === 'critical').map((r) => r.id));
/** Long enough for the slowest expected rule (task completion: 15 min window, 30 min pending). */
const FAULT_MS = 40 * MIN;
/** Long enough for the slowest recovery (task completion: 15 min window, 10 min recovery). */
const RECOVERY_CAP_MS = 35 * MIN;

async function rollback(r: AlertsRun): Promise<void> {
  const provider = new HttpRoutingProvider({ baseUrl: r.sim.url, token: r.sim.token, timeoutMs: 2000 });
  await provider.applyAction({ action: 'rollback', operator: 'alerts test', reason: 'the scenario fired its alert' }, `rollback-${Date.now()}`);
}

// Each case runs its own simulator and console on their own ports, so they run side by side.
describe.concurrent('fault scenarios against the default rules', () => {
  it.for(CASES)('$scenario fires $expected and clears after a rollback', async ({ scenario, expected, alsoCritical }, { expect }) => {
    const r = await startAlertsRun();
    try {
      await r.play(20 * MIN);
      expect(r.fired(), 'healthy traffic fires nothing').toEqual([]);

      r.sim.setFault(scenario, true);
      await r.play(FAULT_MS);
      const firedIds = new Set(r.fired().map((t) => t.ruleId));
      expect([...firedIds]).toContain(expected);
      const unexpectedCritical = [...firedIds].filter((id) => critical.has(id) && id !== expected && !(id in alsoCritical));
      expect(unexpectedCritical, 'critical rules the scenario should not fire').toEqual([]);
      expect(stateOf(r, expected)).toBe('firing');

      await rollback(r);
      const allResolved = () => [...firedIds].every((id) => r.resolved().some((t) => t.ruleId === id));
      await r.play(RECOVERY_CAP_MS, { until: allResolved });
      for (const id of firedIds) expect(r.resolved().map((t) => t.ruleId), `${id} resolves after the rollback`).toContain(id);
      expect(r.service.alerts.view().alerts.filter((a) => a.state.firedAt !== undefined).map((a) => a.rule.id)).toEqual([]);
      // One episode per rule: no rule fired a second time on the way down.
      expect(r.fired().length).toBe(firedIds.size);
    } finally {
      await r.close();
    }
  });
});

function stateOf(r: AlertsRun, ruleId: string): string | undefined {
  return r.service.alerts.view().alerts.find((a) => a.rule.id === ruleId)?.state.state;
}
