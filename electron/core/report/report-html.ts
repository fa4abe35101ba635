import { KPIS, type KpiId } from '../../../shared/kpi.js';
import { formatDuration, formatKpiValue, formatTarget } from '../../../shared/format.js';
import { maskPii } from '../../../shared/pii-mask.js';
import { formatUtc } from '../../../shared/time-format.js';
import { REPORT_STYLE } from './report-style.js';
import { escapeXml, lineChart } from './svg-chart.js';
import { meetsTarget, RECOVERY_HOLD_MIN, type ChartSeries, type LaunchReport } from './report-model.js';

/**
 * The report as one HTML document: styles inline, charts as inline SVG, no script and no request
 * to anywhere, so it opens from a mail attachment on a plane. Free text written by people (reasons,
 * notes, titles) is masked for personal data; names of operators are kept, since who did what is the point.
 */

const esc = escapeXml;

function masked(text: string): string {
  return esc(maskPii(text).text);
}

function time(ms: number | null): string {
  return ms === null ? '—' : esc(formatUtc(ms));
}

function isoTime(iso: string | null | undefined): string {
  return iso ? time(Date.parse(iso)) : '—';
}

function value(kpi: KpiId, v: number | null): string {
  return esc(formatKpiValue(KPIS[kpi], v));
}

function met(m: boolean | null): string {
  if (m === null) return '<span class="muted">no data</span>';
  return m ? '<span class="ok">met</span>' : '<span class="bad">not met</span>';
}

function duration(ms: number | null): string {
  return ms === null ? '—' : esc(formatDuration(ms));
}

function table(id: string, head: readonly string[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty-note" data-empty="${id}">${esc(empty)}</p>`;
  return (
    `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;
}

function chart(series: ChartSeries, report: LaunchReport, marks: { t: number; label: string }[]): string {
  const def = KPIS[series.kpi];
  return `<figure>${lineChart({
    title: series.label,
    points: series.points,
    from: report.overall.from,
    to: report.overall.to,
    target: def.target ?? null,
    format: (v) => formatKpiValue(def, v),
    marks,
  })}<figcaption>${esc(series.label)}${def.target ? ` (${esc(formatTarget(def, def.target))})` : ''}</figcaption></figure>`;
}

function summary(r: LaunchReport): string {
  const d = r.decision;
  const decision = d
    ? `<p class="decision" id="launch-decision">Launch decision: <strong>${d.decision === 'go' ? 'GO' : 'NO-GO'}</strong>, taken by <strong>${esc(d.by)}</strong> at ${time(d.at)}${d.note ? `: ${masked(d.note)}` : ''} (audit entry ${d.seq}).</p>`
    : '<p class="decision" id="launch-decision">No launch decision recorded in the span.</p>';
  const rows = r.targets.map((t) => [
    esc(t.label),
    esc(formatTarget(KPIS[t.kpi], KPIS[t.kpi].target)),
    value(t.kpi, t.value),
    met(t.met),
    t.hoursJudged === 0 ? '—' : `${t.hoursOutOfTarget} of ${t.hoursJudged}`,
    t.worst ? `${value(t.kpi, t.worst.value)} at ${time(t.worst.t)}` : '—',
  ]);
  const verified = r.actions.filter((a) => a.status === 'verified').length;
  // A confirm that joined another operator's identical action sent nothing of its own.
  const joined = r.actions.filter((a) => a.status === 'joined').length;
  const facts = [
    `${r.overall.stats.allCalls.toLocaleString('en')} calls over ${esc(formatDuration(r.overall.minutes * 60_000))}`,
    `${r.alerts.length} critical alert episode(s)`,
    `${r.actions.length - joined} routing action(s), ${verified} verified${joined > 0 ? `; ${joined} confirm(s) joined one already under way` : ''}`,
    `${r.reviews.filter((x) => x.record.completedAt).length} review(s) completed`,
    `${r.knownIssues.filter((k) => k.status !== 'fixed').length} known issue(s) still open or monitored`,
  ];
  return section(
    'summary',
    'Summary',
    `${decision}<p class="facts">${facts.join(' · ')}</p>` +
      table('targets', ['KPI', 'Target', 'Over the span', 'Met', 'Hours out of target', 'Worst hour'], rows, 'No KPI history in the span.'),
  );
}

function gates(r: LaunchReport): string {
  const d = r.decision;
  if (!d) {
    const changes = r.gateEntries.map((e) => [time(Date.parse(e.ts)), esc(e.operator), masked(e.summary)]);
    return section('gates', 'Launch gates', '<p>No launch decision recorded.</p>' + table('gate-changes', ['When', 'Who', 'Change'], changes, 'No gate changes recorded in the span.'));
  }
  const rows = d.rows.map((g) => [
    esc(g.title),
    esc(g.owner ?? '—'),
    `<strong>${esc(g.status)}</strong>`,
    g.result ? masked(g.result) : '—',
    g.risk ? masked(g.risk) : '—',
    masked(g.reasons.join('; ')),
  ]);
  const earlier = r.decisions.slice(0, -1).map((x) => `${x.decision.toUpperCase()} by ${esc(x.by)} at ${time(x.at)}`);
  return section(
    'gates',
    'Launch gates as decided',
    `<p>The table as it stood when ${esc(d.by)} decided ${d.decision === 'go' ? 'GO' : 'NO-GO'} at ${time(d.at)}.</p>` +
      table('gate-table', ['Gate', 'Owner', 'Status', 'Result', 'Risk accepted', 'Why'], rows, 'The decision froze no rows.') +
      (earlier.length > 0 ? `<p>Earlier decisions: ${earlier.join('; ')}.</p>` : ''),
  );
}

function rollout(r: LaunchReport): string {
  const { spans, events } = r.rollout;
  if (spans.length === 0 && events.length === 0) return section('rollout', 'Staged rollout', '<p>No rollout recorded.</p>');
  const spanRows = spans.map((s) => [
    `${esc(s.name)} (${s.share}%)`,
    time(s.from),
    time(s.to),
    duration(s.heldMs),
    duration(s.pausedMs),
    masked(s.enteredHow),
    s.leftHow ? `${masked(s.leftHow)}${s.leftBy ? ` (${esc(s.leftBy)})` : ''}` : 'current stage',
    String(s.criticalAlerts.length),
  ]);
  const eventRows = events.map((e) => [time(Date.parse(e.ts)), esc(e.operator), masked(e.summary)]);
  return section(
    'rollout',
    'Staged rollout',
    table('rollout-stages', ['Stage', 'From', 'To', 'Held', 'Paused', 'Entered', 'Left (who)', 'Critical alerts'], spanRows, 'No stage spans kept.') +
      '<h3>Promotions, holds and returns</h3>' +
      table('rollout-events', ['When', 'Who', 'What'], eventRows, 'No rollout events in the audit log over the span.'),
  );
}

function kpis(r: LaunchReport): string {
  const marks = r.actions.map((a) => ({ t: a.at, label: `${a.label} (${a.operator})` }));
  const calls = `<figure>${lineChart({
    title: r.callsChart.label,
    points: r.callsChart.points,
    from: r.overall.from,
    to: r.overall.to,
    format: (v) => `${v.toFixed(v < 10 ? 1 : 0)}/min`,
    marks,
  })}<figcaption>Calls per minute; vertical lines mark routing actions</figcaption></figure>`;
  const overall = r.charts.map((c) => chart(c, r, marks)).join('');
  const worst = r.worstIntents
    .map(
      (w) =>
        `<h3>Intent ${esc(w.intent)}</h3><p>${w.calls.toLocaleString('en')} calls; ${esc(w.why)}.</p><div class="charts">${w.charts
          .map((c) => chart({ ...c, label: `${c.label}: ${w.intent}` }, r, marks))
          .join('')}</div>`,
    )
    .join('');
  const resolution = `One point per ${r.overall.pointMinutes} minute(s), from the KPI history${r.overall.resolutionMin > 1 ? ' (quarter hours where older than 48 hours)' : ''}.`;
  return section(
    'kpis',
    'KPIs against targets',
    `<p>${esc(resolution)}</p><div class="charts">${calls}${overall}</div>` +
      (worst ? `<h3 class="sub">The worst intents</h3>${worst}` : '<p>No intent had enough calls to be judged on its own.</p>'),
  );
}

function alerts(r: LaunchReport): string {
  const rows = r.alerts.map((a) => [
    esc(a.rule),
    time(a.firedAt),
    a.resolvedAt === null ? '<span class="bad">still open</span>' : time(a.resolvedAt),
    a.resolvedAt === null ? '—' : duration(a.resolvedAt - a.firedAt),
    masked(a.reason),
    a.acknowledgedBy ? `${esc(a.acknowledgedBy)} at ${time(a.acknowledgedAt)}` : '<span class="muted">not acknowledged</span>',
    a.autoActs.length > 0 ? a.autoActs.map((x) => `${time(x.at)}: ${masked(x.text)}`).join('<br>') : '—',
  ]);
  const now = r.alertsNow.map((s) => `${esc(s.ruleId)} ${esc(s.state)} since ${time(s.since)}: ${masked(s.reason)}`);
  return section(
    'alerts',
    'Alerts',
    table('alert-episodes', ['Rule', 'Fired', 'Resolved', 'Lasted', 'Why', 'Acknowledged', 'Automatic action'], rows, 'No critical alert fired in the span.') +
      (now.length > 0 ? `<p>Up when the records were read: ${now.join('; ')}.</p>` : ''),
  );
}

function actions(r: LaunchReport): string {
  const rows = r.actions.map((a) => [
    String(a.seq),
    time(a.at),
    esc(a.operator),
    esc(a.label),
    a.reason ? masked(a.reason) : a.trigger ? masked(a.trigger) : '<span class="muted">no reason given</span>',
    a.status === 'verified' ? '<span class="ok">verified</span>' : `<span class="bad">${esc(a.status)}</span>`,
    duration(a.timeToVerifiedMs),
    a.recovery.length === 0
      ? a.outOfTarget.length === 0
        ? '<span class="muted">nothing out of target</span>'
        : '—'
      : a.recovery.map((k) => `${esc(KPIS[k.kpi].label)}: ${k.afterMs === null ? 'not within the watch' : duration(k.afterMs)}`).join('<br>'),
  ]);
  return section(
    'actions',
    'Routing actions',
    `<p>Every routing action in the audit log. Time to verified: from the confirm until the provider's state was read back. Time to recovery: from then until each KPI out of target at the confirm held within target for ${RECOVERY_HOLD_MIN} minutes running in the KPI history.</p>` +
      table('actions-table', ['Audit #', 'When', 'Who', 'Action', 'Why', 'Outcome', 'Time to verified', 'Time to recovery'], rows, 'No routing action in the span.'),
  );
}

function reviews(r: LaunchReport): string {
  const body = r.reviews
    .map(({ plan, dueAt, record }) => {
      const labels = new Map(plan?.checks.map((c) => [c.id, c.label]) ?? []);
      const checks = record.checks.map((c) => [esc(labels.get(c.checkId) ?? c.checkId), c.verdict === 'issue' ? '<span class="bad">issue</span>' : esc(c.verdict ?? '—'), masked(c.note), esc(c.updatedBy ?? '—')]);
      const ev = record.evidence;
      const figures = ev.kpis.map((k) => `${esc(KPIS[k.kpi].label)} ${value(k.kpi, k.value)} (${esc(k.status)})`).join('; ');
      const name = plan ? `${plan.label} (T0+${plan.offsetHours}h)` : record.reviewId;
      const decision = record.decision ? `<strong>${esc(record.decision)}</strong> by ${esc(record.completedBy ?? '?')} at ${isoTime(record.completedAt)}` : '<span class="muted">not completed</span>';
      return (
        `<article class="review" data-review="${esc(record.reviewId)}"><h3>${esc(name)}</h3>` +
        `<p>Due ${time(dueAt)}; opened by ${esc(record.openedBy)} at ${isoTime(record.openedAt)}; decision: ${decision}.</p>` +
        `<p class="evidence">Frozen evidence, ${isoTime(ev.windowStart)} to ${isoTime(ev.windowEnd)}: ${ev.calls.toLocaleString('en')} calls; ${figures || 'no figures'}${
          ev.topFailedIntents.length > 0 ? `; top failed intents ${ev.topFailedIntents.map((f) => `${esc(f.intent)} ${f.failed}/${f.calls}`).join(', ')}` : ''
        }${ev.alerts.length + ev.alertsOmitted > 0 ? `; ${ev.alerts.length + ev.alertsOmitted} alert change(s)` : ''}.</p>` +
        table(`review-${esc(record.reviewId)}-checks`, ['Check', 'Verdict', 'Note', 'By'], checks, 'No checks recorded.') +
        '</article>'
      );
    })
    .join('');
  return section('reviews', 'Reviews', body || '<p>No review opened in the span.</p>');
}

function knownIssues(r: LaunchReport): string {
  const rows = r.knownIssues.map((k) => [esc(k.id), masked(k.title), esc(k.intent ?? '—'), `<strong>${esc(k.status)}</strong>`, isoTime(k.firstSeen), `${isoTime(k.updatedAt)} (${esc(k.updatedBy)})`, masked(k.note ?? '')]);
  return section('known-issues', 'Known issues', table('known-issues-table', ['Id', 'Title', 'Intent', 'Status', 'First seen', 'Last updated', 'Note'], rows, 'No known issue recorded.'));
}

function sampling(r: LaunchReport): string {
  const sessions = r.sessions.map((s) => [
    esc(s.name),
    `${isoTime(s.createdAt)} (${esc(s.createdBy)})`,
    `${s.annotated} of ${s.size}`,
    String(s.passed),
    String(s.failed),
    s.byCategory.map((c) => `${esc(c.label)} ${c.count}`).join(', ') || '—',
  ]);
  const cases = r.regressions.map((c) => [esc(c.callId), esc(c.intent), esc(c.categories.join(', ') || '—'), masked(c.note), esc(c.by), esc(c.session)]);
  return section(
    'sampling',
    'Call sample',
    table('sample-sessions', ['Session', 'Drawn', 'Annotated', 'Passed', 'Failed', 'Failures by category'], sessions, 'No call sample drawn in the span.') +
      '<h3>Regression cases (every call judged a failure)</h3>' +
      table('regression-cases', ['Call', 'Intent', 'Categories', 'Note', 'Judged by', 'Session'], cases, 'No call judged a failure.'),
  );
}

function rehearsals(r: LaunchReport): string {
  const rows = r.rehearsals.map((x) => [
    time(x.startedAt),
    esc(x.by),
    esc(x.action),
    `${esc(x.provider)}${x.live ? ' (live)' : ''}`,
    x.steps.map((s) => `${esc(s.kind)} +${duration(s.afterMs)}`).join('<br>'),
    duration(x.totalMs),
    x.passed === null ? '<span class="muted">unfinished</span>' : x.passed ? '<span class="ok">pass</span>' : '<span class="bad">fail</span>',
    masked(x.verdict ?? ''),
  ]);
  return section('rehearsals', 'Rollback rehearsals', table('rehearsals-table', ['Started', 'Who', 'Action', 'Provider', 'Steps', 'Total', 'Result', 'Verdict'], rows, 'No rehearsal recorded.'));
}

function shifts(r: LaunchReport): string {
  const rows = r.shifts.map((s, i) => [isoTime(s.since), esc(s.name), esc(i === 0 ? 'first owner' : (r.shifts[i - 1]?.name ?? '')), esc(s.setBy), masked(s.handoverNote ?? '')]);
  return section('shifts', 'Shift owners and handovers', table('shifts-table', ['Since', 'Owner', 'Took over from', 'Recorded by', 'Handover note'], rows, 'No shift owner recorded.'));
}

function records(r: LaunchReport): string {
  const notes = r.incomplete.length > 0 ? `<ul id="incomplete">${r.incomplete.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '<p id="incomplete">The records are complete over the span: no stream gap, no unreadable record, the audit chain intact.</p>';
  const hourKpis: KpiId[] = ['turnLatencyP95', 'taskCompletion', 'agentErrorRate', 'fallbackRate'];
  const rows = r.hours.map((h) => [
    time(h.t),
    h.calls.toLocaleString('en'),
    ...hourKpis.map((k) => `<span class="${meetsTarget(k, h.values[k]) === false ? 'bad' : ''}">${value(k, h.values[k])}</span>`),
    h.gapMinutes > 0 || h.unobservedMinutes > 0 ? `${h.gapMinutes} gap, ${h.unobservedMinutes} unseen` : '',
  ]);
  return section(
    'records',
    'The records behind this report',
    notes +
      `<p>Read from ${esc(r.source)}. Audit log: ${r.audit.total.toLocaleString('en')} entries in all, ${r.audit.inSpan.toLocaleString('en')} of the reported kinds in the span; chain ${esc(r.audit.chain)}${
        r.audit.lastHash ? `; newest entry ${r.audit.lastSeq} with hash <code>${esc(r.audit.lastHash)}</code> (keep it to detect a later truncation)` : ''
      }.</p>` +
      '<h3>Hour by hour</h3>' +
      table('hours-table', ['Hour', 'Calls', ...hourKpis.map((k) => KPIS[k].label), 'Minutes missing'], rows, 'No KPI history in the span.'),
  );
}

export function renderReportHtml(r: LaunchReport): string {
  const title = `Launch report: ${r.launchName}`;
  const span = `${formatUtc(r.from)} to ${formatUtc(r.to)}`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${REPORT_STYLE}</style></head><body>` +
    `<header><h1>${esc(title)}</h1><p class="span" id="report-span">Span: ${esc(span)}${r.t0 ? ` · T0 ${isoTime(r.t0)}` : ''}</p>` +
    `<p class="made" id="report-made">Made ${time(r.madeAt)} from the console's records. All times UTC. Personal data in free text is masked.</p>` +
    (r.incomplete.length > 0 ? `<p class="warning">The records are incomplete in ${r.incomplete.length} way(s): see “The records behind this report”.</p>` : '') +
    '<nav><ol>' +
    [
      ['summary', 'Summary'],
      ['gates', 'Launch gates'],
      ['rollout', 'Staged rollout'],
      ['kpis', 'KPIs'],
      ['alerts', 'Alerts'],
      ['actions', 'Routing actions'],
      ['reviews', 'Reviews'],
      ['known-issues', 'Known issues'],
      ['sampling', 'Call sample'],
      ['rehearsals', 'Rehearsals'],
      ['shifts', 'Shifts'],
      ['records', 'Records'],
    ]
      .map(([id, label]) => `<li><a href="#${id}">${label}</a></li>`)
      .join('') +
    '</ol></nav></header><main>' +
    summary(r) +
    gates(r) +
    rollout(r) +
    kpis(r) +
    alerts(r) +
    actions(r) +
    reviews(r) +
    knownIssues(r) +
    sampling(r) +
    rehearsals(r) +
    shifts(r) +
    records(r) +
    '</main></body></html>'
  );
}
