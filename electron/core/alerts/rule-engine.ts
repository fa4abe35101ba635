import type { AlertRule } from '../../../shared/config.js';
import { KPIS, type KpiDenominator, type KpiId, type MetricsSnapshot, type WindowStats } from '../../../shared/kpi.js';
import type { AlertStateName, AlertTransition, AlertTransitionKind, RuleState } from '../../../shared/alerts.js';
import { formatKpiValue } from '../../../shared/format.js';
import { boundBeyond, boundName, callsNeeded, wilsonBound, type BoundSide } from '../../../shared/confidence.js';

/**
 * The alert rule engine: a pure function of the rule, its previous state and the current
 * metrics. All times are epoch ms on the caller's clock; the host passes stream time, so
 * pending and recovery periods are measured in the platform's minutes, not the laptop's.
 */

export interface EvaluationInput {
  now: number;
  snapshot: MetricsSnapshot | null;
  stale: boolean;
  baselines: Partial<Record<KpiId, number>>;
}

export interface RulesEvaluation {
  states: Map<string, RuleState>;
  /** State changes in rule order; the first 'ok' of a rule is not news and is left out. */
  transitions: AlertTransition[];
}

const MINUTE_MS = 60_000;

/** How long 'resolved' stays on screen before a healthy rule reads 'ok' again. */
export const RESOLVED_VISIBLE_MS = 5 * MINUTE_MS;

export interface RuleThresholds {
  trip: number;
  clear: number;
}

/**
 * Trip and clear levels in the KPI's unit. For a baseline rule the clear threshold is a
 * multiple of the baseline too, so "trip at 2x, clear at 1.5x" reads the same as the trip.
 */
export function resolveThresholds(rule: AlertRule, baselines: Partial<Record<KpiId, number>>): RuleThresholds | null {
  if (rule.baselineMultiple !== undefined) {
    const base = baselines[rule.kpi];
    if (base === undefined || !Number.isFinite(base)) return null;
    const trip = base * rule.baselineMultiple;
    return { trip, clear: rule.clearThreshold === undefined ? trip : base * rule.clearThreshold };
  }
  if (rule.threshold === undefined) return null;
  return { trip: rule.threshold, clear: rule.clearThreshold ?? rule.threshold };
}

/** How a reason names a KPI's sample. */
export const SAMPLE_NOUN: Record<KpiDenominator, string> = {
  allCalls: 'calls',
  calls: 'agent calls',
  connected: 'connected calls',
  agentTurns: 'agent turns',
  toolCalls: 'tool calls',
  escalations: 'escalations',
  none: 'calls',
};

type Observation =
  | { kind: 'nodata'; why: string; forced: boolean; th: RuleThresholds | null }
  | { kind: 'insufficient'; value: number | null; sample: number; th: RuleThresholds }
  | { kind: 'value'; value: number; sample: number; th: RuleThresholds };

/**
 * The side of the interval a rate rule trips on, or null for a rule judged on its value: a rate is
 * a share of its denominator, so its noise is known and a canary's few calls are judged honestly.
 */
export function boundSide(rule: AlertRule): BoundSide | null {
  if (KPIS[rule.kpi].unit !== 'ratio' || rule.confidence <= 0.5) return null;
  return rule.comparison === 'above' ? 'lower' : 'upper';
}

function scopeStats(snapshot: MetricsSnapshot, rule: AlertRule): WindowStats | undefined {
  const windows = snapshot.windows[rule.windowMin];
  return rule.scope === 'all' ? windows.overall : windows.intents[rule.scope];
}

function observe(rule: AlertRule, input: EvaluationInput): Observation {
  const def = KPIS[rule.kpi];
  const th = resolveThresholds(rule, input.baselines);
  if (input.stale) return { kind: 'nodata', why: 'stream stale', forced: false, th };
  if (!input.snapshot) return { kind: 'nodata', why: 'no metrics yet', forced: false, th };
  if (!th) {
    const why = rule.baselineMultiple !== undefined ? `no baseline for ${def.label.toLowerCase()}` : 'no threshold';
    return { kind: 'nodata', why, forced: true, th };
  }
  const stats = scopeStats(input.snapshot, rule);
  // An intent missing from the windows had no calls: zero events for a count KPI, no sample for the rest.
  const sample = stats ? (def.denominator === 'none' ? stats.calls : stats[def.denominator]) : 0;
  const raw = stats ? stats.kpis[rule.kpi] : def.denominator === 'none' ? 0 : null;
  const value = raw === null || Number.isNaN(raw) ? null : raw;
  if (def.denominator !== 'none' && sample < rule.minSample) return { kind: 'insufficient', value, sample, th };
  if (value === null) {
    const where = rule.scope === 'all' ? '' : ` for ${rule.scope}`;
    return { kind: 'nodata', why: `no ${def.label} value${where} in the last ${rule.windowMin} min`, forced: false, th };
  }
  return { kind: 'value', value, sample, th };
}

const wholeMinutes = (ms: number): number => Math.max(0, Math.floor(ms / MINUTE_MS));

interface Judged {
  state: AlertStateName;
  since: number;
  firedAt?: number;
  pendingSince?: number;
  pausedSince?: number;
  pausedMs?: number;
}

/** Time the breach was seen holding in a pending period: paused spells are left out. */
function heldMs(j: { pendingSince?: number; pausedSince?: number; pausedMs?: number }, now: number): number {
  return (j.pausedSince ?? now) - (j.pendingSince ?? now) - (j.pausedMs ?? 0);
}

/** The state machine proper, on a judged condition: tripped (beyond trip) and cleared (good side of clear). */
function judge(rule: AlertRule, prev: RuleState | undefined, now: number, tripped: boolean, cleared: boolean): Judged {
  const prevState = prev?.state;
  const episode = prev?.firedAt;
  if (episode !== undefined) {
    if (!cleared) {
      const wasFiring = prevState === 'firing';
      return {
        state: 'firing',
        since: wasFiring && prev ? prev.since : now,
        firedAt: episode,
        pendingSince: wasFiring && prev?.pendingSince !== undefined ? prev.pendingSince : now,
      };
    }
    const recoveringSince = prevState === 'recovering' && prev ? prev.since : now;
    if (now - recoveringSince >= rule.recoveryMin * MINUTE_MS) return { state: 'resolved', since: now };
    return { state: 'recovering', since: recoveringSince, firedAt: episode };
  }
  if (tripped) {
    const going = prevState === 'pending' && prev?.pendingSince !== undefined;
    const pendingSince = going ? prev.pendingSince ?? now : now;
    // A pause ends when the breach is seen again; its length is left out of the pending period.
    const pausedMs = going ? (prev.pausedMs ?? 0) + (prev.pausedSince === undefined ? 0 : now - prev.pausedSince) : 0;
    if (heldMs({ pendingSince, pausedMs }, now) >= rule.pendingMin * MINUTE_MS) {
      return { state: 'firing', since: now, firedAt: now, pendingSince };
    }
    const j: Judged = { state: 'pending', since: going ? prev.since : now, pendingSince };
    if (pausedMs > 0) j.pausedMs = pausedMs;
    return j;
  }
  if (prevState === 'resolved' && prev && now - prev.since < RESOLVED_VISIBLE_MS) {
    return { state: 'resolved', since: prev.since };
  }
  return { state: 'ok', since: prevState === 'ok' && prev ? prev.since : now };
}

/** "7 min of 15", with the paused time when there was any, so the clock time since still adds up. */
function pendingText(rule: AlertRule, j: Judged, now: number): string {
  const paused = wholeMinutes((j.pausedMs ?? 0) + (j.pausedSince === undefined ? 0 : now - j.pausedSince));
  return `${wholeMinutes(heldMs(j, now))} min of ${rule.pendingMin}${paused > 0 ? `, ${paused} min paused` : ''}`;
}

/** The value, and beside it the bound the trip is judged on: "1.60% (95% lower bound 0.71%)". */
function valueText(rule: AlertRule, value: number, bound: number | undefined): string {
  const def = KPIS[rule.kpi];
  const side = boundSide(rule);
  const v = formatKpiValue(def, value);
  return bound === undefined || !side ? v : `${v} (${boundName(side, rule.confidence)} ${formatKpiValue(def, bound)})`;
}

function conditionText(rule: AlertRule, obs: Judgeable, j: Judged, now: number): string {
  const { value, th, bound } = obs;
  const def = KPIS[rule.kpi];
  const fmt = (v: number): string => formatKpiValue(def, v);
  const above = rule.comparison === 'above';
  const bad = above ? '>' : '<';
  const good = above ? '≤' : '≥';
  const v = fmt(value);
  const vb = valueText(rule, value, bound);
  switch (j.state) {
    case 'pending':
      return `${def.label} ${vb} ${bad} ${fmt(th.trip)} (pending ${pendingText(rule, j, now)})`;
    case 'firing': {
      const held = wholeMinutes(now - (j.pendingSince ?? now));
      if (obs.tripped) return `${def.label} ${vb} ${bad} ${fmt(th.trip)} for ${held} min`;
      return `${def.label} ${v}, not yet ${good} ${fmt(th.clear)} to clear, for ${held} min`;
    }
    case 'recovering':
      return `${def.label} ${v} ${good} ${fmt(th.clear)} (recovering ${wholeMinutes(now - j.since)} min of ${rule.recoveryMin})`;
    case 'resolved':
      return `Resolved: ${def.label} ${v} ${good} ${fmt(th.clear)}`;
    default:
      return `${def.label} ${vb} ${good} ${fmt(th.trip)}`;
  }
}

function withJudged(
  rule: AlertRule,
  j: Judged,
  fields: { value: number | null; th: RuleThresholds | null; sample: number; reason: string; bound?: number; callsNeeded?: number },
): RuleState {
  const state: RuleState = {
    ruleId: rule.id,
    state: j.state,
    since: j.since,
    value: fields.value,
    threshold: fields.th?.trip ?? null,
    clearThreshold: fields.th?.clear ?? null,
    reason: fields.reason,
    sample: fields.sample,
  };
  if (j.firedAt !== undefined) state.firedAt = j.firedAt;
  if (j.pendingSince !== undefined) state.pendingSince = j.pendingSince;
  if (j.pausedSince !== undefined) state.pausedSince = j.pausedSince;
  if (j.pausedMs !== undefined) state.pausedMs = j.pausedMs;
  if (fields.bound !== undefined) state.bound = fields.bound;
  if (fields.callsNeeded !== undefined) state.callsNeeded = fields.callsNeeded;
  return state;
}

/**
 * A short gap or a spell of too few calls pauses a pending period instead of starting it over, so
 * a flaky stream cannot hold an alert off forever; past `pendingPauseMaxMin` the breach is no
 * longer known to have held, and the period is dropped. Null when there is nothing to pause.
 */
function pausePending(rule: AlertRule, prev: RuleState | undefined, now: number): Judged | null {
  if (prev?.state !== 'pending' || prev.pendingSince === undefined) return null;
  const pausedSince = prev.pausedSince ?? now;
  if (now - pausedSince > rule.pendingPauseMaxMin * MINUTE_MS) return null;
  const j: Judged = { state: 'pending', since: prev.since, pendingSince: prev.pendingSince, pausedSince };
  if (prev.pausedMs !== undefined) j.pausedMs = prev.pausedMs;
  return j;
}

function pausedTail(rule: AlertRule, j: Judged, now: number): string {
  return `; pending paused at ${wholeMinutes(heldMs(j, now))} min of ${rule.pendingMin}, starts over if this lasts over ${rule.pendingPauseMaxMin} min`;
}

function onNoData(
  rule: AlertRule,
  prev: RuleState | undefined,
  now: number,
  obs: Extract<Observation, { kind: 'nodata' }>,
): RuleState {
  const policy = obs.forced ? 'nodata' : rule.noData;
  const fields = { value: null, th: obs.th, sample: 0 };
  if (policy === 'keep' && prev) {
    return { ...prev, value: null, sample: 0, reason: `No data: ${obs.why}; keeping ${prev.state}` };
  }
  if (policy === 'ok') {
    const j = judge(rule, prev, now, false, true);
    const tail = j.state === 'recovering'
      ? ` (recovering ${wholeMinutes(now - j.since)} min of ${rule.recoveryMin})`
      : j.state === 'resolved' ? ' (resolved)' : '';
    return withJudged(rule, j, { ...fields, reason: `No data: ${obs.why}; treated as OK${tail}` });
  }
  const paused = obs.forced ? null : pausePending(rule, prev, now);
  if (paused) return withJudged(rule, paused, { ...fields, reason: `No data: ${obs.why}${pausedTail(rule, paused, now)}` });
  const j: Judged = { state: 'nodata', since: prev?.state === 'nodata' ? prev.since : now };
  if (prev?.firedAt !== undefined) j.firedAt = prev.firedAt;
  const open = j.firedAt !== undefined ? '; the alert stays open' : '';
  return withJudged(rule, j, { ...fields, reason: `No data: ${obs.why}${open}` });
}

/**
 * Too few to judge: fewer than `minSample`, or a rate beyond the trip whose bound does not yet
 * prove it (`short` then says how many more calls are needed).
 */
function onInsufficient(
  rule: AlertRule,
  prev: RuleState | undefined,
  now: number,
  short: string,
  fields: { value: number | null; th: RuleThresholds; sample: number; bound?: number; callsNeeded?: number },
): RuleState {
  if (prev?.firedAt !== undefined) {
    // Low traffic is no evidence of recovery: the alert stays firing and a recovery timer starts over.
    const j = judge(rule, prev, now, true, false);
    return withJudged(rule, j, { ...fields, reason: `${short}; still firing` });
  }
  const paused = pausePending(rule, prev, now);
  if (paused) return withJudged(rule, paused, { ...fields, reason: `${short}${pausedTail(rule, paused, now)}` });
  const j: Judged = { state: 'insufficient', since: prev?.state === 'insufficient' ? prev.since : now };
  return withJudged(rule, j, { ...fields, reason: short });
}

/** A reading with enough calls, judged: the trip on the bound when there is one, the clear on the value. */
interface Judgeable {
  value: number;
  sample: number;
  th: RuleThresholds;
  bound?: number;
  tripped: boolean;
}

/** One rule's next state. */
export function evaluateRule(rule: AlertRule, prev: RuleState | undefined, input: EvaluationInput): RuleState {
  const obs = observe(rule, input);
  if (obs.kind === 'nodata') return onNoData(rule, prev, input.now, obs);
  const noun = SAMPLE_NOUN[KPIS[rule.kpi].denominator];
  if (obs.kind === 'insufficient') {
    const short = `Only ${obs.sample} of ${rule.minSample} ${noun} needed to judge`;
    return onInsufficient(rule, prev, input.now, short, { value: obs.value, th: obs.th, sample: obs.sample });
  }
  const above = rule.comparison === 'above';
  const valueBeyond = above ? obs.value > obs.th.trip : obs.value < obs.th.trip;
  const side = boundSide(rule);
  const bound = side ? wilsonBound(obs.value, obs.sample, side, rule.confidence) : undefined;
  const tripped = side && bound !== undefined ? boundBeyond(bound, obs.th.trip, side) : valueBeyond;
  const cleared = above ? obs.value <= obs.th.clear : obs.value >= obs.th.clear;
  if (side && valueBeyond && !tripped) {
    const needed = callsNeeded(obs.value, obs.sample, obs.th.trip, side, rule.confidence) ?? 0;
    const def = KPIS[rule.kpi];
    const short =
      `${def.label} ${valueText(rule, obs.value, bound)} ${above ? '>' : '<'} ${formatKpiValue(def, obs.th.trip)}, ` +
      `not yet proven: ${needed} more ${noun} needed at this rate`;
    return onInsufficient(rule, prev, input.now, short, { value: obs.value, th: obs.th, sample: obs.sample, bound, callsNeeded: needed });
  }
  const j = judge(rule, prev, input.now, tripped, cleared);
  const judged: Judgeable = { value: obs.value, sample: obs.sample, th: obs.th, tripped };
  if (bound !== undefined) judged.bound = bound;
  const reason = conditionText(rule, judged, j, input.now);
  return withJudged(rule, j, { value: obs.value, th: obs.th, sample: obs.sample, reason, ...(bound === undefined ? {} : { bound }) });
}

function transitionKind(prev: RuleState | undefined, next: RuleState): AlertTransitionKind {
  if (next.state === 'firing') return prev?.firedAt === undefined ? 'fired' : 'refired';
  return next.state;
}

/** The event for a state change, or null when the state name did not change. */
export function transitionBetween(rule: AlertRule, prev: RuleState | undefined, next: RuleState): AlertTransition | null {
  if (prev ? prev.state === next.state : next.state === 'ok') return null;
  const t: AlertTransition = {
    kind: transitionKind(prev, next),
    ruleId: rule.id,
    ruleName: rule.name,
    severity: rule.severity,
    kpi: rule.kpi,
    from: prev?.state ?? null,
    to: next.state,
    at: next.since,
    value: next.value,
    threshold: next.threshold,
    reason: next.reason,
  };
  const episode = next.firedAt ?? prev?.firedAt;
  if (episode !== undefined) t.episode = episode;
  return t;
}

/** Every rule's next state; states of rules no longer configured are dropped. */
export function evaluateRules(
  rules: readonly AlertRule[],
  prevStates: ReadonlyMap<string, RuleState>,
  input: EvaluationInput,
): RulesEvaluation {
  const states = new Map<string, RuleState>();
  const transitions: AlertTransition[] = [];
  for (const rule of rules) {
    const prev = prevStates.get(rule.id);
    const next = evaluateRule(rule, prev, input);
    states.set(rule.id, next);
    const t = transitionBetween(rule, prev, next);
    if (t) transitions.push(t);
  }
  return { states, transitions };
}
