import { formatPercent } from '../../../shared/format.js';
import type { SessionSummary } from '../../../shared/sampling.js';

const rate = (r: number | null) => (r === null ? '—' : formatPercent(r));

/** Failure rate of the session so far, by intent and by category. */
export function SummaryPanel({ summary }: { summary: SessionSummary }) {
  return (
    <section className="panel summary" aria-label="Session summary">
      <h2>Summary</h2>
      <p>
        Failure rate <strong aria-label="Failure rate">{rate(summary.failureRate)}</strong>{' '}
        <span className="muted">
          ({summary.failed} failed, {summary.passed} passed of {summary.annotated} judged; {summary.total} in the sample)
        </span>
      </p>
      <table className="intents" aria-label="Failure rate by intent">
        <thead>
          <tr>
            <th scope="col">Intent</th>
            <th scope="col">Judged</th>
            <th scope="col">Failed</th>
            <th scope="col">Rate</th>
          </tr>
        </thead>
        <tbody>
          {summary.byIntent.map((r) => (
            <tr key={r.intent}>
              <th scope="row">{r.intent}</th>
              <td>
                {r.annotated} of {r.total}
              </td>
              <td>{r.failed}</td>
              <td>{rate(r.failureRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="intents" aria-label="Failures by category">
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Failed calls</th>
            <th scope="col">Share of failures</th>
          </tr>
        </thead>
        <tbody>
          {summary.byCategory.map((c) => (
            <tr key={c.category}>
              <th scope="row">{c.label}</th>
              <td>{c.count}</td>
              <td>{rate(c.share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
