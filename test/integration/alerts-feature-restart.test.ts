import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit.js';
import { createBridgeDispatcher } from '../../electron/core/engine/bridge-dispatch.js';
import { startSimulator } from '../../sim/server.js';
import { DATA_ROOT, MIN, startAlertsRun, T0, type AlertsRun } from './alerts-feature-harness.js';

/**
 * A console restarted mid-incident (a crash, a laptop reboot) against the same fleet, still in
 * its fault, on the same data directory: the open alert is the same incident, so it must not
 * fire, notify or be audited as fired a second time, and its acknowledgement must still stand.
 */

function auditEntries(dataDir: string): AuditEntry[] {
  return readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEntry);
}

const piiAlert = (r: AlertsRun) => r.service.alerts.view().alerts.find((a) => a.rule.id === 'pii-event');
const piiNotifications = (r: AlertsRun) => r.pushes.filter((p) => p.kind === 'notification' && p.id.startsWith('alert:pii-event:'));

describe('restarting the console during an alert', () => {
  it('keeps the open alert and its acknowledgement: no second firing, notification or audit entry', async ({ expect }) => {
    const dataDir = mkdtempSync(join(DATA_ROOT, 'alerts-restart-'));
    const sim = await startSimulator({ manualClock: true, startTime: T0, seed: 21, rate: 2 });
    const first = await startAlertsRun({ dataDir, simulator: sim });
    let second: AlertsRun | null = null;
    try {
      await first.play(5 * MIN);
      sim.setFault('pii-leak', true);
      await first.play(5 * MIN, { until: () => first.fired().length > 0 });
      const [fired] = first.fired();
      expect(fired?.ruleId).toBe('pii-event');
      const dispatch = createBridgeDispatcher(first.service.handlers);
      await dispatch('operator:set-shift-owner', { name: 'Dana' });
      await dispatch('alerts:acknowledge', { ruleId: 'pii-event' });
      const acknowledged = { by: 'Dana', at: first.wall.ms };
      await first.close();

      second = await startAlertsRun({ dataDir, simulator: sim });
      const restarted = second;
      expect(piiAlert(restarted)).toMatchObject({ state: { state: 'firing', firedAt: fired?.at }, acknowledged });

      // The restart's gap: no data, and the episode stays open through it.
      restarted.wall.ms += 2 * MIN;
      restarted.tick();
      expect(piiAlert(restarted)?.state).toMatchObject({ state: 'nodata', firedAt: fired?.at, reason: 'No data: stream stale; the alert stays open' });

      await restarted.play(MIN, { stepMs: 20_000 });
      const after = piiAlert(restarted);
      expect(after?.state).toMatchObject({ state: 'firing', firedAt: fired?.at });
      expect(after?.acknowledged).toEqual(acknowledged);
      expect(restarted.fired().filter((t) => t.ruleId === 'pii-event')).toEqual([fired]);

      // Acknowledging again under another owner keeps the first acknowledgement.
      const again = createBridgeDispatcher(restarted.service.handlers);
      await again('operator:set-shift-owner', { name: 'Sam' });
      await again('alerts:acknowledge', { ruleId: 'pii-event' });
      expect(piiAlert(restarted)?.acknowledged).toEqual(acknowledged);

      const audit = auditEntries(dataDir).filter((e) => e.type === 'alert' && (e.data as { ruleId?: string }).ruleId === 'pii-event');
      expect(audit.filter((e) => e.summary.startsWith('Alert fired'))).toHaveLength(1);
      expect(audit.filter((e) => e.summary.startsWith('Alert acknowledged')).map((e) => e.operator)).toEqual(['Dana']);
      expect(piiNotifications(first).length + piiNotifications(restarted).length).toBe(1);
      expect(restarted.service.alerts.view().problem).toBeNull();
    } finally {
      await second?.close();
      await first.close();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('starts afresh on a damaged state file, keeps the file aside and says so on screen and in the audit log', async ({ expect }) => {
    const dataDir = mkdtempSync(join(DATA_ROOT, 'alerts-damaged-'));
    writeFileSync(join(dataDir, 'alert-state.json'), 'not json');
    const r = await startAlertsRun({ dataDir });
    try {
      const aside = readdirSync(dataDir).find((f) => f.startsWith('alert-state.json.damaged-'));
      expect(aside && readFileSync(join(dataDir, aside), 'utf8')).toBe('not json');
      const problem = r.service.alerts.view().problem;
      expect(problem).toContain(`${join(dataDir, 'alert-state.json')} could not be read`);
      expect(problem).toContain(`kept as ${join(dataDir, aside ?? '')}`);
      expect(auditEntries(dataDir).some((e) => e.type === 'alert' && e.summary === problem)).toBe(true);

      // Fresh state works as on a first start, and is saved again.
      await r.play(2 * MIN);
      r.sim.setFault('pii-leak', true);
      await r.play(5 * MIN, { until: () => r.fired().length > 0 });
      expect(r.fired().map((t) => t.ruleId)).toEqual(['pii-event']);
      expect(JSON.parse(readFileSync(join(dataDir, 'alert-state.json'), 'utf8'))).toMatchObject({ version: 1 });
    } finally {
      await r.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
