import type { AuditEntry } from '../../shared/audit.js';
import type { EvidenceSnapshot } from '../../shared/cadence.js';
import type { CallRecord } from '../../shared/protocol.js';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { CadenceStore } from '../../electron/core/cadence/cadence-store.js';
import { REVIEW_PLAN } from '../../electron/core/cadence/schedule.js';
import { KpiHistory } from '../../electron/core/metrics/kpi-history.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import type { RecordLog } from '../../electron/core/storage/ports.js';

/**
 * A two-day launch at 2 calls a second, written through the console's own stores on an injected
 * clock in a few seconds: a latency fault in hour 5 met by a fallback, a tool outage on one intent
 * on day 2 met by a route of that intent, a 10-minute stream gap, reviews, known issues, shift
 * handovers, a call sample with failures, a launch decision, rollout events and a rehearsal, and
 * enough annotation entries that the audit log holds well over 5,000 entries.
 */

export const T0 = Date.parse('2026-05-04T08:00:00.000Z');
export const HOUR = 3_600_000;
export const MIN = 60_000;
export const INTENTS = ['order_status', 'billing', 'cancel', 'book_appointment', 'talk_to_human'];
const CALLS_PER_MIN = 120;

/** Faults, in launch time. */
export const LATENCY_FAULT = { from: T0 + 5 * HOUR, to: T0 + 5 * HOUR + 40 * MIN };
export const TOOL_OUTAGE = { intent: 'billing', from: T0 + 30 * HOUR, to: T0 + 31 * HOUR + 30 * MIN };
export const STREAM_GAP = { from: T0 + 40 * HOUR, to: T0 + 40 * HOUR + 10 * MIN };

export interface RecordedLaunch {
  dataDir: string;
  end: number;
  calls: number;
  actions: { seq: number; at: number; elapsedMs: number; operator: string; action: string }[];
  firstHourEntries: AuditEntry[];
  auditEntries: number;
}

/**
 * The audit log's records held in memory while the launch is written, then stored in one write:
 * thousands of fsyncs would make the launch take half a minute without changing a byte of it.
 */
export function memoryLog(location: string): RecordLog & { records: unknown[] } {
  const records: unknown[] = [];
  return {
    location,
    records,
    scan: async (visit) => records.forEach((value, i) => visit({ position: i + 1, value })),
    append: async (record) => void records.push(record),
    appendNext: async <T>(next: (newest: unknown) => T) => {
      const record = next(records.at(-1) ?? null);
      records.push(record);
      return record;
    },
    replace: async (all) => void records.splice(0, records.length, ...all),
    close: async () => undefined,
  };
}

function call(i: number, ended: number, intent: string, slow: boolean, toolDown: boolean): CallRecord {
  const latency = slow ? 1900 + (i % 7) * 60 : 500 + (i % 11) * 40;
  return {
    id: `call-${i}`,
    startedAt: new Date(ended - 90_000).toISOString(),
    endedAt: new Date(ended).toISOString(),
    intent,
    agentVersion: 'v2',
    route: 'agent',
    connected: i % 97 !== 0,
    outcome: toolDown ? 'failed' : i % 13 === 0 ? 'escalated' : 'completed',
    turns: [
      { speaker: 'caller', text: 'hello', startMs: 0, endMs: 1000 },
      { speaker: 'agent', text: 'hi', startMs: 1000 + latency, endMs: 3000, latencyMs: latency },
      { speaker: 'agent', text: 'done', startMs: 4000, endMs: 5000, latencyMs: latency - 100 },
    ],
    toolCalls: [{ name: 'lookup', ok: !toolDown, latencyMs: 300, ...(toolDown ? { error: 'timeout' } : {}) }],
    errors: toolDown && i % 3 === 0 ? [{ kind: 'tool', message: 'lookup timed out' }] : [],
    safety: { pii: 0, policy: 0, injection: 0 },
  };
}

function evidence(at: number, from: number): EvidenceSnapshot {
  return {
    capturedAt: new Date(at).toISOString(),
    windowStart: new Date(from).toISOString(),
    windowEnd: new Date(at).toISOString(),
    metricsAt: new Date(at).toISOString(),
    metricsWindowMin: null,
    metricsIncomplete: false,
    calls: Math.round(((at - from) / MIN) * CALLS_PER_MIN),
    kpis: [{ kpi: 'taskCompletion', value: 0.9, target: 'at least 85%', status: 'ok' }],
    topFailedIntents: [{ intent: 'billing', failed: 12, calls: 400, rate: 0.03 }],
    alerts: [],
    alertsOmitted: 0,
  };
}

export async function recordLaunch(dataDir: string): Promise<RecordedLaunch> {
  let now = T0;
  const clock = () => now;
  const storage = fileStorage(dataDir);
  storage.settings().set('launchClock', { t0: new Date(T0).toISOString(), setBy: 'first call', setAt: new Date(T0).toISOString(), source: 'first_call' });

  const history = new KpiHistory({ intents: INTENTS });
  const end = T0 + 48 * HOUR;
  let n = 0;
  for (let minute = T0; minute < end; minute += MIN) {
    if (minute >= STREAM_GAP.from && minute < STREAM_GAP.to) continue;
    const slow = minute >= LATENCY_FAULT.from && minute < LATENCY_FAULT.to;
    for (let k = 0; k < CALLS_PER_MIN; k++) {
      const intent = INTENTS[n % INTENTS.length]!;
      const toolDown = intent === TOOL_OUTAGE.intent && minute >= TOOL_OUTAGE.from && minute < TOOL_OUTAGE.to;
      history.ingestCall(call(n, minute + k * 500, intent, slow, toolDown));
      n++;
    }
  }
  history.markGap(STREAM_GAP.from, STREAM_GAP.to);
  await storage.records('kpi-history').replace(history.records());

  const auditRecords = memoryLog(storage.records('audit').location);
  const audit = await AuditLog.open(auditRecords, { now: clock });
  const cadence = await CadenceStore.open(storage.records('cadence'), clock);
  const actions: RecordedLaunch['actions'] = [];
  const at = async (ms: number, fn: () => Promise<unknown>) => {
    now = ms;
    await fn();
  };
  const alert = (ms: number, transition: 'fired' | 'resolved', ruleId: string, name: string, reason: string, episode: number) =>
    at(ms, () =>
      audit.append({
        type: 'alert',
        operator: 'console',
        summary: `Alert ${transition}: ${name}: ${reason}`,
        data: { ruleId, kpi: 'turnLatencyP95', scope: 'all', severity: 'critical', transition, streamTime: new Date(ms).toISOString(), episode: new Date(episode).toISOString(), value: 1900, threshold: 1200, reason },
      }),
    );
  const action = async (ms: number, operator: string, act: string, reason: string, elapsedMs: number, figures: Record<string, number>, intents?: string[]) => {
    now = ms;
    const e = await audit.append({
      type: 'action',
      operator,
      summary: `${act} (reason: ${reason}): verified. Applied, verified by read-back in ${elapsedMs} ms`,
      data: { request: { action: act, operator, reason, ...(intents ? { intents } : {}) }, status: 'verified', applied: true, sent: true, attempts: 1, elapsedMs, figures, trigger: null },
    });
    actions.push({ seq: e.seq, at: ms, elapsedMs, operator, action: act });
  };

  await at(T0, () => audit.append({ type: 'launch', operator: 'console', summary: 'T0 set by the first live call', data: { t0: new Date(T0).toISOString(), source: 'first_call' } }));
  await at(T0 + 60_000, async () => {
    const c = await cadence.setShiftOwner('Ana Ortiz', undefined, 'Ana Ortiz');
    await audit.append({ type: 'shift', operator: c.actor, summary: c.summary, data: {} });
  });
  await at(T0 + 90_000, () => audit.append({ type: 'config', operator: 'Ana Ortiz', summary: 'Alert rules checked at the start of the launch', data: {} }));
  // A first-hour busy with annotations and config checks, so the in-memory tail no longer holds it.
  for (let i = 0; i < 5200; i++) {
    await at(T0 + 2 * MIN + i * 600, () =>
      audit.append({ type: 'annotation', operator: i % 2 ? 'Ben Lee' : 'Ana Ortiz', summary: `Annotated call-${i}: pass`, data: { callId: `call-${i}` } }),
    );
  }
  await at(T0 + 62 * MIN, async () => {
    const c = await cadence.openReview('h1', 'Ana Ortiz', evidence(T0 + 62 * MIN, T0));
    for (const check of REVIEW_PLAN[0]!.checks) await cadence.updateCheck('h1', check.id, 'ok', `checked ${check.id}`, 'Ana Ortiz');
    await cadence.completeReview('h1', 'continue', 'Ana Ortiz');
    await audit.append({ type: 'review', operator: 'Ana Ortiz', summary: 'First-hour review completed: continue the ramp', data: { reviewId: c.after.reviewId } });
  });

  const ep1 = LATENCY_FAULT.from + 3 * MIN;
  await alert(ep1, 'fired', 'latency-p95', 'P95 turn latency', 'P95 turn latency 1.90 s above 1.2 s for 3 min', ep1);
  await at(ep1 + 2 * MIN, () => audit.append({ type: 'alert', operator: 'Ana Ortiz', summary: 'Alert acknowledged: P95 turn latency', data: { ruleId: 'latency-p95', episode: new Date(ep1).toISOString() } }));
  await action(ep1 + 5 * MIN, 'Ana Ortiz', 'route_fallback', 'P95 latency 1.9 s, callers talking over the agent', 842, { turnLatencyP95: 1950, taskCompletion: 0.9 });
  await alert(LATENCY_FAULT.to + 2 * MIN, 'resolved', 'latency-p95', 'P95 turn latency', 'P95 turn latency back under 1.2 s', ep1);
  await action(LATENCY_FAULT.to + 5 * MIN, 'Ana Ortiz', 'resume', 'latency back to normal after the model provider fix', 611, { turnLatencyP95: 700 });

  await at(T0 + 8 * HOUR, async () => {
    const c = await cadence.upsertKnownIssue({ title: 'Latency spike at the model provider, caller +44 20 7946 0958 reported it', intent: 'order_status' }, 'Ana Ortiz');
    await audit.append({ type: 'known_issue', operator: c.actor, summary: c.summary, data: {} });
  });
  await at(T0 + 12 * HOUR, async () => {
    const c = await cadence.setShiftOwner('Ben Lee', 'Latency fault fixed at 05:40; watch billing', 'Ana Ortiz');
    await audit.append({ type: 'shift', operator: c.actor, summary: c.summary, data: {} });
  });
  await at(T0 + 24 * HOUR + 5 * MIN, async () => {
    await cadence.openReview('d1', 'Ben Lee', evidence(T0 + 24 * HOUR + 5 * MIN, T0 + 20 * HOUR));
    for (const check of REVIEW_PLAN.find((r) => r.id === 'd1')!.checks) await cadence.updateCheck('d1', check.id, check.id === 'top_failed_intents' ? 'issue' : 'ok', 'looked', 'Ben Lee');
    await cadence.completeReview('d1', 'hold', 'Ben Lee');
  });

  const ep2 = TOOL_OUTAGE.from + 4 * MIN;
  await alert(ep2, 'fired', 'task-completion', 'Task completion', 'Task completion 78% below 85%', ep2);
  await at(ep2 + 1 * MIN, () =>
    audit.append({ type: 'alert', operator: 'console', summary: 'Automatic action countdown started for Task completion: route_fallback in 60 s', data: { ruleId: 'task-completion', action: 'route_fallback', episode: new Date(ep2).toISOString(), status: 'counting' } }),
  );
  await at(ep2 + 2 * MIN, () => audit.append({ type: 'alert', operator: 'Ben Lee', summary: 'Alert acknowledged: Task completion', data: { ruleId: 'task-completion', episode: new Date(ep2).toISOString() } }));
  await action(ep2 + 6 * MIN, 'Ben Lee', 'route_fallback', 'billing tool timing out', 1234, { taskCompletion: 0.78, agentErrorRate: 0.02 }, ['billing']);
  await alert(TOOL_OUTAGE.to + 3 * MIN, 'resolved', 'task-completion', 'Task completion', 'Task completion back above 85%', ep2);
  await at(T0 + 33 * HOUR, async () => {
    const c = await cadence.upsertKnownIssue({ id: 'KI-1', title: 'Latency spike at the model provider', status: 'fixed' }, 'Ben Lee');
    await audit.append({ type: 'known_issue', operator: c.actor, summary: c.summary, data: {} });
    await cadence.upsertKnownIssue({ title: 'Billing tool timeouts', intent: 'billing' }, 'Ben Lee');
  });

  const sessions = storage.records('sampling-sessions');
  const sampleAt = T0 + 26 * HOUR;
  const sampled = Array.from({ length: 20 }, (_, i) => call(900_000 + i, sampleAt - i * MIN, INTENTS[i % INTENTS.length]!, false, i % 4 === 0));
  await sessions.append({
    t: 'session',
    session: {
      id: 's1', name: 'Day 1 sample', createdAt: new Date(sampleAt).toISOString(), createdBy: 'Ben Lee', seed: 7, size: 20,
      range: { from: T0, to: sampleAt }, overweightFailures: true, callIds: sampled.map((c) => c.id),
      allocation: [],
    },
    calls: sampled,
    m: sampled.map(() => 0),
  });
  for (const [i, c] of sampled.entries()) {
    const fail = i % 4 === 0;
    await sessions.append({
      t: 'annotation',
      annotation: {
        sessionId: 's1', callId: c.id, verdict: fail ? 'fail' : 'pass', categories: fail ? ['wrong_tool'] : [],
        note: fail ? 'tool timed out, caller jane.doe@example.com left' : '', updatedAt: new Date(sampleAt + i * MIN).toISOString(), updatedBy: 'Ben Lee',
      },
    });
  }

  await at(T0 + 44 * HOUR, () =>
    audit.append({
      type: 'decision',
      operator: 'Cleo Park',
      summary: 'Launch decision: GO',
      data: {
        decision: {
          decision: 'go', by: 'Cleo Park', at: T0 + 44 * HOUR, note: 'canary held two days', mode: { mode: 'all', reason: null, by: null, at: null },
          rows: ['Functional', 'Performance', 'Scale', 'Security', 'Monitoring', 'Rollback'].map((title, i) => ({
            id: title.toLowerCase(), definition: { title }, owner: `Owner ${i + 1}`, status: i === 2 ? 'risk-accepted' : 'pass',
            result: { result: 'pass', by: `Owner ${i + 1}`, at: T0, note: '' }, risk: i === 2 ? { by: 'Cleo Park', why: '2x load not tested yet', at: T0 } : null, reasons: [],
          })),
        },
      },
    }),
  );
  await at(T0 + 44 * HOUR + MIN, () => audit.append({ type: 'rollout', operator: 'Cleo Park', summary: 'Promotion from canary (5%) to limited (25%) asked', data: { from: 'canary', to: 'limited', share: 25 } }));
  await storage.records('rehearsals').append({
    rehearsal: {
      id: 'r1', by: 'Ana Ortiz', action: 'route_fallback', provider: 'staging number', live: false, startedAt: T0 + 3 * HOUR,
      steps: [{ kind: 'triggered', text: 'Sent', afterMs: 0 }, { kind: 'verified', text: 'Verified', afterMs: 900 }, { kind: 'restored', text: 'Restored', afterMs: 240_000 }],
      finishedAt: T0 + 3 * HOUR + 240_000, totalMs: 240_000, passed: true, verdict: 'restored in 4 min, under 15 min', manualSteps: [],
    },
  });

  await audit.close();
  await storage.records('audit').replace(auditRecords.records);
  await cadence.close();
  await sessions.close();
  const firstHourEntries: AuditEntry[] = [];
  let auditEntries = 0;
  const check = await AuditLog.open(storage.records('audit'));
  await check.scanStored((e) => {
    auditEntries++;
    if (Date.parse(e.ts) < T0 + HOUR) firstHourEntries.push(e);
  });
  await check.close();
  return { dataDir, end, calls: n, actions, firstHourEntries, auditEntries };
}
