import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { ConsolePush } from '../../shared/bridge.js';
import type { AuditEntry } from '../../shared/audit.js';
import { defaultRules } from '../../electron/core/alerts/default-rules.js';
import { createBridgeDispatcher } from '../../electron/core/engine/bridge-dispatch.js';
import { BASELINES, DATA_ROOT, MIN, startAlertsRun, waitFor, type AlertsRun } from './alerts-feature-harness.js';

/**
 * What the operator does with an alert, through the same bridge dispatch both hosts use:
 * notification and audit of a critical firing, acknowledge, the auto-act countdown (acting
 * once, or cancelled), capturing a baseline (kept across a restart), and no data on a stale stream.
 */

type Notification = Extract<ConsolePush, { kind: 'notification' }>;

function auditEntries(r: AlertsRun): AuditEntry[] {
  return readFileSync(join(r.dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);
}

function notifications(r: AlertsRun): Notification[] {
  return r.pushes.filter((p): p is Notification => p.kind === 'notification');
}

/** The checklist rules with the PII trigger armed to act on its own after a 30 s countdown. */
function armedPiiRules() {
  return defaultRules().map((rule) =>
    rule.id === 'pii-event' && rule.recommendedAction
      ? { ...rule, recommendedAction: { ...rule.recommendedAction, autoAct: true, countdownSec: 30 } }
      : rule,
  );
}

async function withRun(options: Parameters<typeof startAlertsRun>[0], body: (r: AlertsRun) => Promise<void>): Promise<void> {
  const r = await startAlertsRun(options);
  try {
    await body(r);
  } finally {
    await r.close();
  }
}

describe.concurrent('operating the alerts', () => {
  it('a critical firing notifies, is audited, and is acknowledged with a name', ({ expect }) =>
    withRun({}, async (r) => {
      const dispatch = createBridgeDispatcher(r.service.handlers);
      await r.play(5 * MIN);
      r.sim.setFault('pii-leak', true);
      await r.play(5 * MIN, { until: () => r.fired().length > 0 });
      const [fired] = r.fired();
      expect(fired?.ruleId).toBe('pii-event');

      const note = notifications(r).find((n) => n.id.startsWith('alert:pii-event:'));
      expect(note?.severity).toBe('critical');
      expect(note?.title).toContain('PII event');
      expect(note?.body).toContain(fired?.reason);
      expect(note?.body).toContain('Stop all traffic or roll back at once');
      const firedEntry = auditEntries(r).find((e) => e.type === 'alert' && e.summary.startsWith('Alert fired'));
      expect(firedEntry?.operator).toBe('console');
      expect(firedEntry?.data).toMatchObject({ ruleId: 'pii-event', kpi: 'piiEvents', severity: 'critical', threshold: 0 });

      await expect(dispatch('alerts:acknowledge', { ruleId: 'pii-event' })).rejects.toThrow(/shift owner/i);
      await dispatch('operator:set-shift-owner', { name: 'Dana' });
      await expect(dispatch('alerts:acknowledge', { ruleId: 'no-such-rule' })).rejects.toThrow(/no alert rule with id "no-such-rule"/);
      await expect(dispatch('alerts:acknowledge', { ruleId: 'turn-latency-p95' })).rejects.toThrow(/no open alert/);
      r.wall.ms += 1000;
      await dispatch('alerts:acknowledge', { ruleId: 'pii-event' });
      await dispatch('alerts:acknowledge', { ruleId: 'pii-event' });
      const view = r.service.alerts.view();
      expect(view.alerts.find((a) => a.rule.id === 'pii-event')?.acknowledged).toEqual({ by: 'Dana', at: r.wall.ms });
      expect(view.log.filter((e) => e.kind === 'acknowledged')).toHaveLength(1);
      const acks = auditEntries(r).filter((e) => e.summary.startsWith('Alert acknowledged'));
      expect(acks.map((e) => e.operator)).toEqual(['Dana']);
      // A warning-level firing or a pending state is no cause for a system notification.
      expect(notifications(r).every((n) => n.severity === 'critical')).toBe(true);
    }));

  it('an armed trigger acts once when its countdown ends', ({ expect }) =>
    withRun({ config: { rules: armedPiiRules() } }, async (r) => {
      const dispatch = createBridgeDispatcher(r.service.handlers);
      await dispatch('operator:set-shift-owner', { name: 'Dana' });
      await r.play(5 * MIN);
      r.sim.setFault('pii-leak', true);
      await r.play(5 * MIN, { until: () => r.fired().length > 0 });
      const counting = r.service.alerts.view().countdowns.find((c) => c.ruleId === 'pii-event');
      expect(counting).toMatchObject({ status: 'counting', action: 'stop_all', scope: 'all' });
      expect(counting ? counting.dueAt - counting.startedAt : 0).toBe(30_000);

      r.wall.ms += 29_000;
      r.tick();
      expect(r.sim.appliedActions).toBe(0);
      r.wall.ms += 1_000;
      r.tick();
      expect(r.service.alerts.view().countdowns.find((c) => c.ruleId === 'pii-event')?.status).toBe('due');
      await waitFor(() => r.sim.routing().mode === 'stopped', 'the automatic stop to reach the provider');
      for (let i = 0; i < 5; i++) {
        r.wall.ms += 30_000;
        r.tick();
      }
      await r.play(2 * MIN);
      expect(r.sim.appliedActions).toBe(1);
      await waitFor(() => notifications(r).some((n) => n.id.startsWith('auto-act-outcome:pii-event:')), 'the outcome notification');
      const summaries = auditEntries(r).map((e) => e.summary);
      expect(summaries.some((s) => s.startsWith('Automatic action countdown started for PII event'))).toBe(true);
      expect(summaries.filter((s) => s.startsWith('Countdown for PII event ended'))).toHaveLength(1);
    }));

  it('a cancelled countdown never acts, even when nobody owns the shift', ({ expect }) =>
    withRun({ config: { rules: armedPiiRules() } }, async (r) => {
      const dispatch = createBridgeDispatcher(r.service.handlers);
      await r.play(5 * MIN);
      r.sim.setFault('pii-leak', true);
      await r.play(5 * MIN, { until: () => r.fired().length > 0 });
      await expect(dispatch('alerts:cancel-auto-act', { ruleId: 'turn-latency-p95' })).rejects.toThrow(/no countdown is running/);
      // Nobody owns the shift: the cancel still stands, and the record says so.
      await dispatch('alerts:cancel-auto-act', { ruleId: 'pii-event' });
      r.wall.ms += 60_000;
      await r.play(2 * MIN);
      expect(r.sim.appliedActions).toBe(0);
      const view = r.service.alerts.view();
      expect(view.countdowns.find((c) => c.ruleId === 'pii-event')).toMatchObject({ status: 'cancelled', cancelledBy: 'unnamed operator (no shift owner set)' });
      expect(view.alerts.find((a) => a.rule.id === 'pii-event')?.state.state).toBe('firing');
      const cancelled = auditEntries(r).find((e) => e.summary.startsWith('Automatic action for PII event cancelled'));
      expect(cancelled?.operator).toBe('unnamed operator (no shift owner set)');
    }));

  it('a baseline captured from live traffic for chosen KPIs merges with the configured ones, is kept with its history across a restart, and reverts', ({ expect }) =>
    withRun({ dataDir: mkdtempSync(join(DATA_ROOT, 'alerts-baseline-')) }, async (r) => {
      const dispatch = createBridgeDispatcher(r.service.handlers);
      await r.play(20 * MIN);
      await dispatch('operator:set-shift-owner', { name: 'Dana' });
      await expect(dispatch('alerts:capture-baseline', { windowMin: 60 })).rejects.toThrow(/incomplete/);
      await expect(dispatch('alerts:capture-baseline', { windowMin: 30 })).rejects.toThrow(/windowMin/);
      expect(r.service.alerts.view().baselines).toEqual({ values: BASELINES, captured: {}, history: [] });

      const reply = (await dispatch('alerts:capture-baseline', { windowMin: 15, kpis: ['turnLatencyP95', 'toolFailureRate'] })) as {
        kind: string;
        captured: string[];
        change: number;
      };
      expect(reply.kind).toBe('captured');
      expect(reply.captured.some((line) => /^P95 turn latency \d/.test(line))).toBe(true);
      const { baselines } = r.service.alerts.view();
      expect(baselines.captured.turnLatencyP95).toMatchObject({ by: 'Dana', windowMin: 15, change: reply.change });
      expect(baselines.values.taskCompletion).toBe(BASELINES.taskCompletion);
      expect(baselines.values.failedConnectionRate).toBe(BASELINES.failedConnectionRate);
      const p95 = r.service.alerts.view().alerts.find((a) => a.rule.id === 'turn-latency-p95')?.state.value;
      expect(baselines.values.turnLatencyP95).toBeGreaterThan(500);
      expect(Math.abs((baselines.values.turnLatencyP95 ?? 0) - (p95 ?? 0))).toBeLessThan(300);
      expect(baselines.values.toolFailureRate).toBeLessThan(0.05);
      const entry = auditEntries(r).find((e) => e.type === 'baseline');
      expect(entry?.operator).toBe('Dana');
      expect(entry?.data).toMatchObject({ windowMin: 15, change: reply.change, previous: { turnLatencyP95: BASELINES.turnLatencyP95 } });

      // The tool-failure rule now trips at twice the captured rate.
      r.tick();
      const tool = r.service.alerts.view().alerts.find((a) => a.rule.id === 'tool-failures-vs-baseline')?.state;
      expect(tool?.threshold).toBeCloseTo(2 * (baselines.values.toolFailureRate ?? 0), 10);

      await r.close();
      const again = await startAlertsRun({ dataDir: r.dataDir });
      try {
        expect(again.service.alerts.view().baselines).toEqual(baselines);
        const againDispatch = createBridgeDispatcher(again.service.handlers);
        await againDispatch('operator:set-shift-owner', { name: 'Sam' });
        await againDispatch('alerts:revert-baseline', { change: reply.change });
        const reverted = again.service.alerts.view().baselines;
        expect(reverted.values).toEqual(BASELINES);
        expect(reverted.history.map((h) => [h.kind, h.by])).toEqual([['capture', 'Dana'], ['revert', 'Sam']]);
      } finally {
        await again.close();
        rmSync(r.dataDir, { recursive: true, force: true });
      }
    }));

  it('a stale stream puts every rule into no data, and an open alert stays open', ({ expect }) =>
    withRun({}, async (r) => {
      await r.play(5 * MIN);
      r.sim.setFault('pii-leak', true);
      await r.play(5 * MIN, { until: () => r.fired().length > 0 });
      r.wall.ms += 2 * MIN;
      r.tick();
      const alerts = r.service.alerts.view().alerts;
      expect(new Set(alerts.map((a) => a.state.state))).toEqual(new Set(['nodata']));
      const pii = alerts.find((a) => a.rule.id === 'pii-event')?.state;
      expect(pii?.reason).toBe('No data: stream stale; the alert stays open');
      expect(pii?.firedAt).toBe(r.fired()[0]?.at);

      await r.play(MIN);
      expect(r.service.alerts.view().alerts.find((a) => a.rule.id === 'pii-event')?.state.state).toBe('firing');
      expect(r.fired()).toHaveLength(1);
    }));
});
