import type { GateId } from '../../../shared/gate-defaults.js';
import type { GatesConfig } from '../../../shared/config.js';
import { boundName, wilsonBound } from '../../../shared/confidence.js';
import { formatDuration, formatFigure } from '../../../shared/format.js';
import type { Rehearsal } from '../../../shared/rollout.js';
import type { ConsoleFilled } from './gate-logic.js';

/** What the console knows that bears on the gates, gathered by the service from the other features. */
export interface GateInputs {
  stream: { phase: string; url: string };
  rules: { name: string; severity: string; action: string | null }[];
  shiftOwner: string | null;
  reviewsScheduled: number;
  runbookSteps: number;
  /** The newest finished rollback rehearsal. */
  lastRehearsal: Rehearsal | null;
  /** The newest passed rehearsal that proved calls reached the fallback route. */
  fallbackTested: Rehearsal | null;
  performance: {
    label: string;
    turnLatencyP95: number | null;
    taskCompletion: number | null;
    connected: number;
    agentErrorRate: number | null;
    calls: number;
  } | null;
}

const TRIGGER_ACTIONS = new Set(['rollback', 'stop_all', 'route_fallback', 'route_human']);

function filled(): ConsoleFilled {
  return { facts: [], proves: new Map() };
}

/** Facts per gate, each with its source; an item is proved only by a fact that holds. */
export function consoleFacts(inputs: GateInputs, thresholds: GatesConfig['thresholds']): Record<GateId, ConsoleFilled> {
  const out: Record<GateId, ConsoleFilled> = {
    functional: filled(),
    performance: filled(),
    scale: filled(),
    security: filled(),
    monitoring: filled(),
    rollback: filled(),
  };

  const m = out.monitoring;
  const live = inputs.stream.phase === 'live';
  m.facts.push({ label: 'Stream', value: live ? 'live' : inputs.stream.phase, source: `stream status (${inputs.stream.url})`, ok: live });
  if (live) m.proves.set(0, 'stream status');
  const critical = inputs.rules.filter((r) => r.severity === 'critical').length;
  m.facts.push({
    label: 'Alert rules',
    value: inputs.rules.length === 0 ? 'none configured' : `${inputs.rules.length} (${critical} critical): ${inputs.rules.map((r) => r.name).join(', ')}`,
    source: 'launch configuration',
    ok: inputs.rules.length > 0,
  });
  if (inputs.rules.length > 0) m.proves.set(1, 'alert rules');
  m.facts.push({ label: 'Shift owner', value: inputs.shiftOwner ?? 'nobody', source: 'shift owner (top bar)', ok: inputs.shiftOwner !== null });
  if (inputs.shiftOwner) m.proves.set(2, 'shift owner');
  m.facts.push({
    label: 'Reviews scheduled',
    value: inputs.reviewsScheduled === 0 ? 'none: T0 not set' : `${inputs.reviewsScheduled} from T0`,
    source: 'review cadence',
    ok: inputs.reviewsScheduled > 0,
  });
  if (inputs.reviewsScheduled > 0) m.proves.set(3, 'review cadence');

  const r = out.rollback;
  const triggers = inputs.rules.filter((x) => x.action !== null && TRIGGER_ACTIONS.has(x.action));
  r.facts.push({ label: 'Trigger rules', value: `${triggers.length} rules recommend rollback, stop or fallback`, source: 'alert rules', ok: triggers.length > 0 });
  if (triggers.length > 0) r.proves.set(0, 'alert rules');
  r.facts.push({
    label: 'Runbook',
    value: inputs.runbookSteps > 0 ? `${inputs.runbookSteps} manual steps` : 'none: the manual steps go in the launch configuration',
    source: 'launch configuration',
    ok: inputs.runbookSteps > 0 ? true : null,
  });
  const last = inputs.lastRehearsal;
  r.facts.push({
    label: 'Last rehearsal',
    value: last ? rehearsalText(last) : 'none yet',
    source: 'rollback rehearsal',
    ok: last ? last.passed === true : null,
  });
  if (last?.passed) r.proves.set(2, 'rollback rehearsal');
  if (inputs.fallbackTested) {
    r.facts.push({ label: 'Fallback routing', value: `tested by the rehearsal of ${new Date(inputs.fallbackTested.startedAt).toISOString()}`, source: 'rollback rehearsal', ok: true });
    r.proves.set(1, 'rollback rehearsal');
  }

  const p = out.performance;
  const perf = inputs.performance;
  if (!perf) {
    p.facts.push({ label: 'Live figures', value: 'no data yet', source: 'metrics', ok: null });
    return out;
  }
  const source = `metrics, ${perf.label}`;
  if (perf.turnLatencyP95 !== null) {
    const ok = perf.turnLatencyP95 <= thresholds.turnLatencyP95Ms;
    p.facts.push({ label: 'P95 turn latency', value: `${formatFigure(perf.turnLatencyP95, 'ms')} (target ≤ ${formatFigure(thresholds.turnLatencyP95Ms, 'ms')})`, source, ok });
    p.proves.set(0, 'metrics');
  } else {
    p.facts.push({ label: 'P95 turn latency', value: 'no data', source, ok: null });
  }
  if (perf.taskCompletion !== null && perf.connected > 0) {
    const lower = wilsonBound(perf.taskCompletion, perf.connected, 'lower');
    const ok = lower >= thresholds.taskCompletion ? true : perf.taskCompletion < thresholds.taskCompletion ? false : null;
    p.facts.push({
      label: 'Task completion',
      value: `${formatFigure(perf.taskCompletion, 'ratio')} (${boundName('lower')} ${formatFigure(lower, 'ratio')}, target ≥ ${formatFigure(thresholds.taskCompletion, 'ratio')}, ${perf.connected} connected calls)`,
      source,
      ok,
    });
    if (ok) p.proves.set(2, 'metrics');
  }
  if (perf.agentErrorRate !== null && perf.calls > 0) {
    const upper = wilsonBound(perf.agentErrorRate, perf.calls, 'upper');
    const lower = wilsonBound(perf.agentErrorRate, perf.calls, 'lower');
    const ok = upper <= thresholds.agentErrorRate ? true : lower > thresholds.agentErrorRate ? false : null;
    p.facts.push({
      label: 'Agent-caused error rate',
      value: `${formatFigure(perf.agentErrorRate, 'ratio')} (${boundName('upper')} ${formatFigure(upper, 'ratio')}, ceiling ${formatFigure(thresholds.agentErrorRate, 'ratio')})`,
      source,
      ok,
    });
    if (ok) p.proves.set(3, 'metrics');
  }
  return out;
}

export function rehearsalText(r: Rehearsal): string {
  const when = new Date(r.startedAt).toISOString().slice(0, 16).replace('T', ' ');
  const total = r.totalMs === null ? 'not finished' : formatDuration(r.totalMs);
  return `${r.passed ? 'passed' : 'failed'} in ${total} (${r.action}) by ${r.by}, ${when} UTC`;
}
