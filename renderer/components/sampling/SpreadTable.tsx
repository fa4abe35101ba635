import type { SpreadRow } from '../../../shared/bridge.js';
import { formatPercent } from '../../../shared/format.js';

const OUTCOMES = ['completed', 'escalated', 'abandoned', 'failed'] as const;

function outcomeText(o: SpreadRow['sampledOutcomes']): string {
  const parts = OUTCOMES.filter((k) => (o[k] ?? 0) > 0).map((k) => `${o[k]} ${k}`);
  return parts.length === 0 ? '—' : parts.join(' · ');
}

/** The sample beside the traffic it was drawn from, per intent: volume, failure signals and how the sampled calls ended. */
export function SpreadTable({ rows }: { rows: SpreadRow[] }) {
  const total = rows.reduce(
    (t, r) => ({ traffic: t.traffic + r.traffic, sampled: t.sampled + r.sampled, failures: t.failures + r.failuresSampled }),
    { traffic: 0, sampled: 0, failures: 0 },
  );
  const allOutcomes: SpreadRow['sampledOutcomes'] = {};
  for (const r of rows) for (const k of OUTCOMES) if (r.sampledOutcomes[k]) allOutcomes[k] = (allOutcomes[k] ?? 0) + (r.sampledOutcomes[k] ?? 0);
  return (
    <table className="intents sampling-spread" aria-label="Sample spread against traffic">
      <thead>
        <tr>
          <th scope="col">Intent</th>
          <th scope="col">Calls in range</th>
          <th scope="col">Share of traffic</th>
          <th scope="col">Ideal</th>
          <th scope="col">Sampled</th>
          <th scope="col" title="Calls with a failure signal: failed outcome, error, safety flag, lost escalation context or fallback route">
            Failure signals in traffic
          </th>
          <th scope="col">Failure signals sampled</th>
          <th scope="col">Outcomes sampled</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const off = Math.abs(r.sampled - r.ideal) > 1;
          return (
            <tr key={r.intent} aria-label={`Spread of ${r.intent}`}>
              <th scope="row">{r.intent}</th>
              <td>{r.traffic.toLocaleString('en-US')}</td>
              <td>{formatPercent(r.share)}</td>
              <td>{r.ideal.toFixed(1)}</td>
              <td className={off ? 'status-warn' : undefined} title={off ? 'more than one call from the ideal: the pool held too few calls of this intent' : undefined}>
                {r.sampled}
              </td>
              <td>{r.trafficFailureShare === null ? '—' : formatPercent(r.trafficFailureShare)}</td>
              <td>
                {r.failuresSampled} of {r.sampled}
              </td>
              <td>{outcomeText(r.sampledOutcomes)}</td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">All intents</th>
          <td>{total.traffic.toLocaleString('en-US')}</td>
          <td>{total.traffic > 0 ? '100%' : '—'}</td>
          <td />
          <td>{total.sampled}</td>
          <td />
          <td>
            {total.failures} of {total.sampled}
          </td>
          <td>{outcomeText(allOutcomes)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
