import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BaselineComparison, EvidencePoint, EvidenceSnapshot, EvidenceSpan, KpiEvidence } from '../../../shared/cadence.js';
import { formatDuration, formatFigure, formatKpiValue, formatPercent } from '../../../shared/format.js';
import { KPIS, type KpiId } from '../../../shared/kpi.js';
import { Time } from '../common/Time.js';

/**
 * The launch clock runs on from the last stream event, and heartbeats arrive every second, so
 * figures this far behind the capture mean no event had arrived for that long: the stream was down
 * (the console calls it stale after 5 s by default). Minutes would let a review frozen during a
 * short outage pass for live.
 */
const STALE_AFTER_MS = 10_000;

const STATUS_TEXT: Record<KpiEvidence['status'], string> = { ok: 'on target', warn: 'near the limit', bad: 'off target', unknown: 'no data' };

const VERDICT_TEXT: Record<BaselineComparison['verdict'], string> = { better: 'better', same: 'same', worse: 'worse', unknown: 'no data' };

function figuresLine(evidence: EvidenceSnapshot): string {
  const { span } = evidence;
  if (span) {
    const step = span.pointMinutes === 1 ? 'minute by minute' : `in ${span.pointMinutes}-minute points`;
    const coarse = span.resolutionMin > 1 ? ' (whole quarter hours: figures older than 48 hours are kept per quarter hour)' : '';
    return `${evidence.calls} agent calls over the review's span, ${formatDuration(span.minutes * 60_000)} of stream time, charted ${step}${coarse}.`;
  }
  if (evidence.metricsWindowMin === null) return 'No metrics were available when this review was opened.';
  return `${evidence.calls} agent calls in the last ${evidence.metricsWindowMin} min of stream time${
    evidence.metricsWindowMin === 60 ? ' (frozen before the console kept the whole launch: the last hour only)' : ''
  }.`;
}

function incompleteText(span: EvidenceSpan | undefined): string {
  if (!span) return 'Incomplete: a stream gap left part of this window unobserved.';
  const parts: string[] = [];
  if (span.observedMinutes < span.minutes) parts.push(`the console saw the stream in ${span.observedMinutes} of its ${span.minutes} minutes`);
  if (span.gapMinutes > 0) parts.push(`a stream gap touched ${span.gapMinutes} minute${span.gapMinutes === 1 ? '' : 's'}`);
  return `Incomplete: ${parts.join('; ')}.`;
}

/** What the review was judged on, frozen when it was opened. */
export function EvidenceSummary({ evidence, openedBy }: { evidence: EvidenceSnapshot; openedBy: string }) {
  const captured = Date.parse(evidence.capturedAt);
  const metricsAt = evidence.metricsAt ? Date.parse(evidence.metricsAt) : null;
  const behind = metricsAt === null ? null : captured - metricsAt;
  return (
    <section className="evidence" aria-label="Evidence">
      <p className="evidence-line">
        Evidence frozen at <Time ms={captured} label="Evidence captured at" /> by {openedBy} · window{' '}
        <Time ms={Date.parse(evidence.windowStart)} /> to <Time ms={Date.parse(evidence.windowEnd)} />
      </p>
      <p className="evidence-line">{figuresLine(evidence)}</p>
      {behind !== null && behind > STALE_AFTER_MS && (
        <p className="evidence-warning" role="note">
          Not live: the figures are as of <Time ms={metricsAt ?? captured} />, {formatDuration(behind)} before the capture.
        </p>
      )}
      {evidence.metricsIncomplete && (
        <p className="evidence-warning" role="note">
          {incompleteText(evidence.span)}
        </p>
      )}
      {evidence.series && evidence.series.length > 0 && <SpanCharts series={evidence.series} />}
      {evidence.baseline && <BaselineTable rows={evidence.baseline} />}
      <div className="evidence-columns">
        <div>
          <h3>Top failed intents</h3>
          {evidence.topFailedIntents.length === 0 ? (
            <p className="muted">No failed calls in the window.</p>
          ) : (
            <table className="evidence-table" aria-label="Top failed intents">
              <thead>
                <tr>
                  <th scope="col">Intent</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Rate</th>
                </tr>
              </thead>
              <tbody>
                {evidence.topFailedIntents.map((f) => (
                  <tr key={f.intent}>
                    <th scope="row">{f.intent}</th>
                    <td>{f.failed}</td>
                    <td>{f.calls}</td>
                    <td>{formatPercent(f.rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3>Alerts since the last review</h3>
          {evidence.alerts.length === 0 ? (
            <p className="muted">No alert changed state in this window.</p>
          ) : (
            <ul className="evidence-alerts" aria-label="Alert history">
              {evidence.alerts.map((a) => (
                <li key={`${a.ruleId}-${a.at}-${a.state}`} className={`severity-${a.severity}`}>
                  <Time ms={Date.parse(a.at)} /> <strong>{a.name}</strong> {a.state} <span className="muted">({a.severity})</span>
                </li>
              ))}
            </ul>
          )}
          {evidence.alertsOmitted > 0 && <p className="muted">and {evidence.alertsOmitted} earlier changes not kept</p>}
        </div>
      </div>
    </section>
  );
}

/** One KPI of the frozen evidence with its target, coloured by status. */
export function EvidenceKpi({ kpi }: { kpi: KpiEvidence }) {
  const def = KPIS[kpi.kpi];
  return (
    <div role="group" aria-label={def.label} className={`evidence-kpi status-${kpi.status}`} data-status={kpi.status}>
      <span className="evidence-kpi-label">{def.label}</span>
      <span className="evidence-kpi-value">{formatKpiValue(def, kpi.value)}</span>
      <span className="evidence-kpi-target">
        {kpi.target ? `target ${kpi.target}` : 'no target'} · {STATUS_TEXT[kpi.status]}
      </span>
    </div>
  );
}

const timeLabel = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** One small chart per KPI the review shows, over its whole span, each with its launch target. */
function SpanCharts({ series }: { series: readonly EvidencePoint[] }) {
  const kpis = useMemo(() => Object.keys(series[0]?.values ?? {}) as KpiId[], [series]);
  return (
    <div className="evidence-charts" role="group" aria-label="Figures over the review span">
      {kpis.map((kpi) => (
        <SpanChart key={kpi} kpi={kpi} series={series} />
      ))}
    </div>
  );
}

function SpanChart({ kpi, series }: { kpi: KpiId; series: readonly EvidencePoint[] }) {
  const def = KPIS[kpi];
  const data = useMemo(() => series.map((p) => ({ t: p.t, v: p.values[kpi] ?? null })), [series, kpi]);
  const target = def.target;
  return (
    <figure className="evidence-chart" aria-label={`${def.label} over the review span`}>
      <figcaption>{def.label}</figcaption>
      <ResponsiveContainer width="100%" height={120}>
        <LineChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#2a3441" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={timeLabel} stroke="#8b98a9" minTickGap={40} fontSize={11} />
          <YAxis
            stroke="#8b98a9"
            width={60}
            fontSize={11}
            tickFormatter={(v: number) => formatFigure(v, def.unit)}
            domain={[0, (max: number) => Math.max(max, target?.value ?? 0)]}
          />
          <Tooltip
            labelFormatter={(t) => timeLabel(Number(t))}
            formatter={(v) => [formatKpiValue(def, typeof v === 'number' ? v : null), def.label]}
            contentStyle={{ background: '#141b24', border: '1px solid #2a3441' }}
          />
          {target && target.value > 0 && <ReferenceLine y={target.value} stroke="#ff6b6b" strokeDasharray="6 4" />}
          <Line dataKey="v" name={def.label} stroke="#6cb6ff" dot={false} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** End of day 2: the day against each baseline, in the KPI's own unit. */
function BaselineTable({ rows }: { rows: readonly BaselineComparison[] }) {
  return (
    <div>
      <h3>Against the baselines</h3>
      {rows.length === 0 ? (
        <p className="muted">No baselines are set for the rates and latencies a day is compared on.</p>
      ) : (
        <table className="evidence-table" aria-label="Comparison with baselines">
          <thead>
            <tr>
              <th scope="col">KPI</th>
              <th scope="col">Day 2</th>
              <th scope="col">Baseline</th>
              <th scope="col">Difference</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const def = KPIS[r.kpi];
              const sign = r.difference !== null && r.difference > 0 ? '+' : r.difference !== null && r.difference < 0 ? '−' : '±';
              return (
                <tr key={r.kpi} data-verdict={r.verdict}>
                  <th scope="row">{def.label}</th>
                  <td>{formatKpiValue(def, r.value)}</td>
                  <td title={r.origin === 'captured' ? 'captured from live traffic' : 'from the launch configuration'}>
                    {formatKpiValue(def, r.baseline)} <span className="muted">({r.origin})</span>
                  </td>
                  <td>{r.difference === null ? '—' : `${sign}${formatFigure(Math.abs(r.difference), def.unit)}`}</td>
                  <td className={`verdict-${r.verdict}`} title={`same within ±${formatFigure(r.tolerance, def.unit)}`}>
                    {VERDICT_TEXT[r.verdict]}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
