import type { EvidenceSnapshot, KpiEvidence } from '../../../shared/cadence.js';
import { formatDuration, formatKpiValue, formatPercent } from '../../../shared/format.js';
import { KPIS } from '../../../shared/kpi.js';
import { Time } from '../common/Time.js';

/**
 * The launch clock runs on from the last stream event, and heartbeats arrive every second, so
 * figures this far behind the capture mean no event had arrived for that long: the stream was down
 * (the console calls it stale after 5 s by default). Minutes would let a review frozen during a
 * short outage pass for live.
 */
const STALE_AFTER_MS = 10_000;

const STATUS_TEXT: Record<KpiEvidence['status'], string> = { ok: 'on target', warn: 'near the limit', bad: 'off target', unknown: 'no data' };

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
      <p className="evidence-line">
        {evidence.metricsWindowMin === null
          ? 'No metrics were available when this review was opened.'
          : `${evidence.calls} agent calls in the last ${evidence.metricsWindowMin} min of stream time${
              evidence.metricsWindowMin === 60 ? ' (the console keeps 60 minutes of figures)' : ''
            }.`}
      </p>
      {behind !== null && behind > STALE_AFTER_MS && (
        <p className="evidence-warning" role="note">
          Not live: the figures are as of <Time ms={metricsAt ?? captured} />, {formatDuration(behind)} before the capture.
        </p>
      )}
      {evidence.metricsIncomplete && (
        <p className="evidence-warning" role="note">
          Incomplete: a stream gap left part of this window unobserved.
        </p>
      )}
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
