import type { AuditEntry } from '../../../shared/audit.js';
import type { KnownIssue, ReviewRecord, ShiftOwner } from '../../../shared/cadence.js';
import { KPIS, type KpiId, type KpiValues } from '../../../shared/kpi.js';
import { FAILURE_CATEGORIES, type Annotation, type FailureCategory } from '../../../shared/sampling.js';
import type { HistoryFigures, KpiHistoryQuery } from '../metrics/kpi-history.js';
import type { CurrentAlertState, LaunchRecords, StoredRehearsal, StoredStageSpan } from './launch-records.js';

/**
 * The launch report's content, computed from the records alone: every figure here can be traced
 * to an audit entry, a stored review or annotation, or the KPI history. Pure: the moment the
 * report is made is passed in.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** The KPIs the launch is judged on, in the order the summary shows them. */
export const TARGET_KPIS: readonly KpiId[] = [
  'turnLatencyP95',
  'taskCompletion',
  'agentErrorRate',
  'failedConnectionRate',
  'fallbackRate',
  'escalationCorrectness',
  'toolSuccess',
  'piiEvents',
];
/** The KPIs charted over the span, overall and for the worst intents. */
export const CHART_KPIS: readonly KpiId[] = ['turnLatencyP95', 'taskCompletion', 'agentErrorRate', 'fallbackRate'];
const WORST_INTENTS = 2;
/** Minimum calls an intent needs over the span to be named among the worst. */
const WORST_INTENT_MIN_CALLS = 50;
/** A KPI counts as recovered once it stays within target for this many minutes running. */
export const RECOVERY_HOLD_MIN = 5;
/** How far past an action recovery is looked for. */
const RECOVERY_HORIZON_MIN = 240;

/** The review plan as the cadence names it, passed in so the report needs no feature's module. */
export interface ReviewPlanEntry {
  id: string;
  label: string;
  offsetHours: number;
  checks: readonly { id: string; label: string }[];
}

export interface ReportOptions {
  launchName: string;
  from: number;
  to: number;
  /** When the report is made. */
  now: number;
  reviewPlan: readonly ReviewPlanEntry[];
}

export interface TargetRow {
  kpi: KpiId;
  label: string;
  value: number | null;
  met: boolean | null;
  /** Whole hours of the span in which the KPI was out of target, of the hours with calls. */
  hoursOutOfTarget: number;
  hoursJudged: number;
  worst: { t: number; value: number } | null;
}

export interface ChartSeries {
  kpi: KpiId;
  label: string;
  points: { t: number; v: number | null }[];
}

export interface IntentCharts {
  intent: string;
  calls: number;
  why: string;
  values: KpiValues;
  charts: ChartSeries[];
}

export interface HourRow {
  t: number;
  calls: number;
  values: KpiValues;
  gapMinutes: number;
  unobservedMinutes: number;
}

export interface AlertEpisode {
  ruleId: string;
  rule: string;
  severity: string;
  firedAt: number;
  resolvedAt: number | null;
  reason: string;
  value: number | null;
  threshold: number | null;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  autoActs: { at: number; text: string }[];
}

export interface KpiRecoveryFigure {
  kpi: KpiId;
  /** From the action's verification until the KPI held within target; null when it did not within the horizon. */
  afterMs: number | null;
}

export interface ActionRow {
  seq: number;
  at: number;
  operator: string;
  action: string;
  label: string;
  reason: string;
  trigger: string | null;
  status: string;
  timeToVerifiedMs: number | null;
  outOfTarget: KpiId[];
  recovery: KpiRecoveryFigure[];
  summary: string;
}

export interface SessionRow {
  name: string;
  createdAt: string;
  createdBy: string;
  size: number;
  annotated: number;
  passed: number;
  failed: number;
  byCategory: { category: FailureCategory; label: string; count: number }[];
}

export interface RegressionRow {
  session: string;
  callId: string;
  intent: string;
  categories: string[];
  note: string;
  by: string;
}

export interface DecisionRecord {
  decision: string;
  by: string;
  at: number;
  note: string;
  seq: number;
  rows: { title: string; owner: string | null; status: string; result: string | null; risk: string | null; reasons: string[] }[];
}

export interface LaunchReport {
  launchName: string;
  from: number;
  to: number;
  madeAt: number;
  t0: string | null;
  source: string;
  incomplete: string[];
  audit: { total: number; inSpan: number; lastHash: string | null; lastSeq: number | null; chain: string };
  overall: HistoryFigures;
  targets: TargetRow[];
  decision: DecisionRecord | null;
  decisions: DecisionRecord[];
  gateEntries: AuditEntry[];
  rollout: { spans: StoredStageSpan[]; events: AuditEntry[] };
  charts: ChartSeries[];
  callsChart: ChartSeries;
  worstIntents: IntentCharts[];
  hours: HourRow[];
  alerts: AlertEpisode[];
  alertsNow: CurrentAlertState[];
  actions: ActionRow[];
  reviews: { plan: ReviewPlanEntry | null; dueAt: number | null; record: ReviewRecord }[];
  knownIssues: KnownIssue[];
  sessions: SessionRow[];
  regressions: RegressionRow[];
  rehearsals: StoredRehearsal[];
  shifts: ShiftOwner[];
}

function inSpan(ms: number, from: number, to: number): boolean {
  return ms >= from && ms < to;
}

function tsOf(e: AuditEntry): number {
  return Date.parse(e.ts);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Within target, or null when the value or the target is missing. */
export function meetsTarget(kpi: KpiId, value: number | null): boolean | null {
  const def = KPIS[kpi];
  if (value === null || !def.target) return null;
  return def.target.kind === 'max' ? value <= def.target.value : value >= def.target.value;
}

export function buildReport(records: LaunchRecords, options: ReportOptions): LaunchReport {
  const { from, to } = options;
  const history = records.history;
  const overall = history.figures(from, to);
  const hours = hourRows(history, from, to);
  const entries = records.audit.entries;
  const spanEntries = entries.filter((e) => inSpan(tsOf(e), from, to));
  const decisions = spanEntries.filter((e) => e.type === 'decision').map(decisionOf).filter((d) => d !== null);
  const t0 = records.t0 ? Date.parse(records.t0) : null;
  const plans = new Map(options.reviewPlan.map((p) => [p.id, p]));

  return {
    launchName: options.launchName,
    from,
    to,
    madeAt: options.now,
    t0: records.t0,
    source: records.source,
    incomplete: incompleteness(records, overall, hours),
    audit: {
      total: records.audit.total,
      inSpan: spanEntries.length,
      lastHash: records.audit.last?.hash ?? null,
      lastSeq: records.audit.last?.seq ?? null,
      chain: chainWords(records),
    },
    overall,
    targets: targetRows(overall, hours),
    decision: decisions.at(-1) ?? null,
    decisions,
    gateEntries: spanEntries.filter((e) => e.type === 'gate'),
    rollout: {
      spans: records.stageSpans.filter((s) => s.from < to && (s.to ?? options.now) >= from),
      events: spanEntries.filter((e) => e.type === 'rollout'),
    },
    charts: CHART_KPIS.map((kpi) => seriesOf(overall, kpi)),
    callsChart: { kpi: 'callRate', label: 'Calls per minute', points: overall.series.map((p) => ({ t: p.t, v: p.allCalls / p.minutes })) },
    worstIntents: worstIntents(history, from, to),
    hours,
    alerts: alertEpisodes(spanEntries),
    alertsNow: records.alertStates.filter((s) => s.state === 'firing' || s.state === 'pending' || s.state === 'recovering'),
    actions: spanEntries.filter((e) => e.type === 'action').map((e) => actionRow(e, history, to)),
    reviews: records.reviews
      .filter((r) => inSpan(Date.parse(r.openedAt), from, to))
      .map((record) => {
        const plan = plans.get(record.reviewId) ?? null;
        return { plan, dueAt: plan && t0 !== null ? t0 + plan.offsetHours * HOUR_MS : null, record };
      })
      .sort((a, b) => Date.parse(a.record.openedAt) - Date.parse(b.record.openedAt)),
    knownIssues: records.knownIssues.filter((k) => Date.parse(k.firstSeen) < to),
    ...sampling(records, from, to),
    rehearsals: records.rehearsals.filter((r) => inSpan(r.startedAt, from, to)),
    shifts: records.shiftOwners.filter((s) => Date.parse(s.since) < to),
  };
}

function seriesOf(figures: HistoryFigures, kpi: KpiId): ChartSeries {
  return { kpi, label: KPIS[kpi].label, points: figures.series.map((p) => ({ t: p.t, v: p.kpis[kpi] })) };
}

/** Hour by hour from the first whole hour: the table readers check a chart against. */
function hourRows(history: KpiHistoryQuery, from: number, to: number): HourRow[] {
  const rows: HourRow[] = [];
  for (let t = Math.floor(from / HOUR_MS) * HOUR_MS; t < to; t += HOUR_MS) {
    const start = Math.max(t, from);
    const end = Math.min(t + HOUR_MS, to);
    const f = history.figures(start, end, undefined, 1);
    if (f.minutes === 0) continue;
    rows.push({
      t: f.from,
      calls: f.stats.allCalls,
      values: f.stats.kpis,
      gapMinutes: f.gapMinutes,
      unobservedMinutes: Math.max(0, f.minutes - f.observedMinutes),
    });
  }
  return rows;
}

function targetRows(overall: HistoryFigures, hours: readonly HourRow[]): TargetRow[] {
  return TARGET_KPIS.map((kpi) => {
    const def = KPIS[kpi];
    let worst: TargetRow['worst'] = null;
    let out = 0;
    let judged = 0;
    for (const h of hours) {
      const v = h.values[kpi];
      if (v === null || h.calls === 0) continue;
      judged++;
      if (meetsTarget(kpi, v) === false) out++;
      const worse = def.target?.kind === 'min' ? worst === null || v < worst.value : worst === null || v > worst.value;
      if (worse) worst = { t: h.t, value: v };
    }
    const value = overall.stats.kpis[kpi];
    return { kpi, label: def.label, value, met: meetsTarget(kpi, value), hoursOutOfTarget: out, hoursJudged: judged, worst };
  });
}

/** The intents furthest from target on task completion, then latency, among those with enough calls to judge. */
function worstIntents(history: KpiHistoryQuery, from: number, to: number): IntentCharts[] {
  const judged = history
    .intents()
    .map((intent) => ({ intent, figures: history.figures(from, to, intent) }))
    .filter((x) => x.figures.stats.calls >= WORST_INTENT_MIN_CALLS);
  const score = (k: KpiValues) => {
    const tc = k.taskCompletion ?? 1;
    const p95 = k.turnLatencyP95 ?? 0;
    return Math.max(0, 0.85 - tc) * 10 + Math.max(0, p95 - 1200) / 1000 + (k.agentErrorRate ?? 0) * 20;
  };
  return judged
    .sort((a, b) => score(b.figures.stats.kpis) - score(a.figures.stats.kpis))
    .slice(0, WORST_INTENTS)
    .map(({ intent, figures }) => {
      const k = figures.stats.kpis;
      const misses = CHART_KPIS.filter((kpi) => meetsTarget(kpi, k[kpi]) === false).map((kpi) => KPIS[kpi].label.toLowerCase());
      return {
        intent,
        calls: figures.stats.allCalls,
        why: misses.length > 0 ? `out of target on ${misses.join(', ')} over the span` : 'the furthest from target, though within it over the span',
        values: k,
        charts: CHART_KPIS.map((kpi) => seriesOf(figures, kpi)),
      };
    });
}

function decisionOf(e: AuditEntry): DecisionRecord | null {
  const d = obj(e.data.decision);
  const decision = str(d.decision);
  if (!decision) return null;
  const rows = Array.isArray(d.rows) ? d.rows.map(obj) : [];
  return {
    decision,
    by: str(d.by) ?? e.operator,
    at: num(d.at) ?? tsOf(e),
    note: str(d.note) ?? '',
    seq: e.seq,
    rows: rows.map((r) => {
      const result = obj(r.result);
      const risk = obj(r.risk);
      return {
        title: str(obj(r.definition).title) ?? str(r.id) ?? '?',
        owner: str(r.owner),
        status: str(r.status) ?? '?',
        result: str(result.result) ? `${str(result.result)} (${str(result.by) ?? '?'})${str(result.note) ? `: ${str(result.note)}` : ''}` : null,
        risk: str(risk.why) ? `${str(risk.why)} (accepted by ${str(risk.by) ?? '?'})` : null,
        reasons: Array.isArray(r.reasons) ? r.reasons.filter((x): x is string => typeof x === 'string') : [],
      };
    }),
  };
}

/**
 * Episodes of critical alerts as the audit log has them: a fired entry opens one (keyed by rule and
 * episode start), its resolved entry closes it; acknowledgements and auto-act steps attach to it.
 */
function alertEpisodes(entries: readonly AuditEntry[]): AlertEpisode[] {
  const episodes = new Map<string, AlertEpisode>();
  const open = new Map<string, AlertEpisode>();
  const key = (ruleId: string, episode: string | null) => `${ruleId}\n${episode ?? ''}`;
  for (const e of entries) {
    if (e.type !== 'alert') continue;
    const d = e.data;
    const ruleId = str(d.ruleId);
    if (!ruleId) continue;
    const episode = str(d.episode);
    const at = str(d.streamTime) ? Date.parse(str(d.streamTime)!) : tsOf(e);
    if (d.transition === 'fired') {
      const ep: AlertEpisode = {
        ruleId,
        rule: e.summary.replace(/^Alert fired: /, '').split(': ')[0] ?? ruleId,
        severity: str(d.severity) ?? 'critical',
        firedAt: at,
        resolvedAt: null,
        reason: str(d.reason) ?? '',
        value: num(d.value),
        threshold: num(d.threshold),
        acknowledgedBy: null,
        acknowledgedAt: null,
        autoActs: [],
      };
      episodes.set(key(ruleId, episode), ep);
      open.set(ruleId, ep);
      continue;
    }
    const ep = episodes.get(key(ruleId, episode)) ?? open.get(ruleId);
    if (!ep) continue;
    if (d.transition === 'resolved') {
      ep.resolvedAt = at;
      open.delete(ruleId);
    } else if (e.summary.startsWith('Alert acknowledged')) {
      ep.acknowledgedBy ??= e.operator;
      ep.acknowledgedAt ??= tsOf(e);
    } else if (str(d.action)) {
      ep.autoActs.push({ at: tsOf(e), text: e.summary });
    }
  }
  return [...episodes.values()].sort((a, b) => a.firedAt - b.firedAt);
}

function actionRow(e: AuditEntry, history: KpiHistoryQuery, spanEnd: number): ActionRow {
  const d = e.data;
  const request = obj(d.request);
  const status = str(d.status) ?? '?';
  const elapsed = num(d.elapsedMs);
  const figures = obj(d.figures);
  const outOfTarget = (Object.keys(figures) as KpiId[]).filter((k) => k in KPIS && meetsTarget(k, num(figures[k])) === false);
  const at = tsOf(e);
  const verifiedAt = status === 'verified' ? at : null;
  return {
    seq: e.seq,
    at,
    operator: e.operator,
    action: str(request.action) ?? '?',
    label: e.summary.split(/ \(reason: |: /)[0] ?? '',
    reason: str(request.reason) ?? '',
    trigger: str(d.trigger),
    status,
    timeToVerifiedMs: status === 'verified' ? elapsed : null,
    outOfTarget,
    recovery: verifiedAt === null ? [] : outOfTarget.map((kpi) => ({ kpi, afterMs: recoveryAfter(history, kpi, verifiedAt, spanEnd) })),
    summary: e.summary,
  };
}

/**
 * When the KPI came back: the first minute after the action from which it stayed within target for
 * RECOVERY_HOLD_MIN minutes running, each judged on the trailing RECOVERY_HOLD_MIN minutes of the
 * history, the way the console's recovery watch judges a short recent window.
 */
export function recoveryAfter(history: KpiHistoryQuery, kpi: KpiId, at: number, spanEnd: number): number | null {
  const start = Math.ceil(at / MINUTE_MS) * MINUTE_MS;
  const end = Math.min(spanEnd, start + RECOVERY_HORIZON_MIN * MINUTE_MS);
  let run = 0;
  for (let t = start + MINUTE_MS; t <= end; t += MINUTE_MS) {
    const f = history.figures(t - RECOVERY_HOLD_MIN * MINUTE_MS, t, undefined, 1);
    const ok = f.stats.allCalls > 0 && meetsTarget(kpi, f.stats.kpis[kpi]) === true;
    run = ok ? run + 1 : 0;
    if (run === RECOVERY_HOLD_MIN) return t - (RECOVERY_HOLD_MIN - 1) * MINUTE_MS - at;
  }
  return null;
}

function sampling(records: LaunchRecords, from: number, to: number): Pick<LaunchReport, 'sessions' | 'regressions'> {
  const bySession = new Map<string, Annotation[]>();
  for (const a of records.annotations) bySession.set(a.sessionId, [...(bySession.get(a.sessionId) ?? []), a]);
  const sessions: SessionRow[] = [];
  const regressions: RegressionRow[] = [];
  for (const { session, calls } of records.sessions) {
    if (!inSpan(Date.parse(session.createdAt), from, to)) continue;
    const annotations = bySession.get(session.id) ?? [];
    const judged = annotations.filter((a) => a.verdict !== null);
    const failed = judged.filter((a) => a.verdict === 'fail');
    sessions.push({
      name: session.name,
      createdAt: session.createdAt,
      createdBy: session.createdBy,
      size: calls.length,
      annotated: judged.length,
      passed: judged.length - failed.length,
      failed: failed.length,
      byCategory: FAILURE_CATEGORIES.map((c) => ({ category: c.id, label: c.label, count: failed.filter((a) => a.categories.includes(c.id)).length })).filter(
        (c) => c.count > 0,
      ),
    });
    const intents = new Map(calls.map((c) => [c.id, c.intent]));
    for (const a of failed) {
      regressions.push({
        session: session.name,
        callId: a.callId,
        intent: intents.get(a.callId) ?? '?',
        categories: a.categories.map((c) => FAILURE_CATEGORIES.find((x) => x.id === c)?.label ?? c),
        note: a.note,
        by: a.updatedBy,
      });
    }
  }
  return { sessions, regressions };
}

function chainWords(records: LaunchRecords): string {
  const c = records.audit.check;
  if (!c.ok) return `broken at record ${c.firstBadLine ?? '?'}: ${c.reason ?? 'unknown'}`;
  return c.tornLines.length > 0 ? `intact; ${c.tornLines.length} record(s) torn by a crash skipped` : 'intact';
}

/** Where the records do not tell the whole story, in words a reader can act on. */
function incompleteness(records: LaunchRecords, overall: HistoryFigures, hours: readonly HourRow[]): string[] {
  const out: string[] = [];
  const c = records.audit.check;
  if (!c.ok) {
    out.push(
      `The audit log's chain does not verify (record ${c.firstBadLine ?? '?'}: ${c.reason ?? 'unknown'}): the data folder may have been restored from a backup or edited; entries after that point cannot be trusted as written.`,
    );
  }
  if (c.tornLines.length > 0) out.push(`The audit log has ${c.tornLines.length} record(s) torn by a crash (records ${c.tornLines.slice(0, 5).join(', ')}); the chain skips them.`);
  for (const p of records.problems) {
    const shown = p.problems.slice(0, 3).map((x) => `record ${x.line}: ${x.reason}`).join('; ');
    out.push(`${p.problems.length} record(s) of ${p.store} could not be read (${shown}); the rest is reported.`);
  }
  for (const u of records.unreadable) out.push(`Could not be read: ${u}.`);
  if (overall.gapMinutes > 0) {
    const hoursWithGaps = hours.filter((h) => h.gapMinutes > 0).map((h) => new Date(h.t).toISOString().slice(0, 13).replace('T', ' ') + 'h');
    out.push(`Stream gaps touched ${overall.gapMinutes} minute(s) of the span (in the hours ${hoursWithGaps.slice(0, 8).join(', ')}${hoursWithGaps.length > 8 ? ', …' : ''}): calls in them may be missing from the figures.`);
  }
  const unobserved = overall.minutes - overall.observedMinutes;
  if (unobserved > 0) out.push(`The console did not see the stream for ${unobserved} of the span's ${overall.minutes} minute(s): no figures exist for them.`);
  if (overall.resolutionMin > 1) out.push(`Part of the span is older than the 48 hours kept per minute: it is charted by quarter hour.`);
  return out;
}
