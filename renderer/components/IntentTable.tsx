import { KPIS, kpiStatus, type KpiId, type WindowStats } from '../../shared/kpi.js';
import { formatKpiValue } from '../../shared/format.js';

/** Short headers keep the table inside its panel; the full KPI name is the header's title. */
const COLUMNS: { kpi: KpiId; short: string }[] = [
  { kpi: 'callRate', short: 'Calls/min' },
  { kpi: 'taskCompletion', short: 'Task done' },
  { kpi: 'turnLatencyP95', short: 'P95 latency' },
  { kpi: 'agentErrorRate', short: 'Agent errors' },
  { kpi: 'fallbackRate', short: 'Fallback' },
  { kpi: 'escalationCorrectness', short: 'Hand-off ok' },
];

/** Below this many calls (or turns, tool calls, hand-offs) an intent's ratio is shown uncoloured. */
const FEW = 20;

function sampleOf(stats: WindowStats, kpi: KpiId): number | null {
  const d = KPIS[kpi].denominator;
  return d === 'none' ? null : stats[d];
}

export function IntentTable({ intents, stats, live }: { intents: string[]; stats: Record<string, WindowStats>; live: boolean }) {
  const names = [...new Set([...intents, ...Object.keys(stats)])];
  return (
    <section className="panel" aria-label="Per-intent figures">
      <h2>By intent</h2>
      <table className="intents">
        <thead>
          <tr>
            <th scope="col">Intent</th>
            <th scope="col">Agent calls</th>
            {COLUMNS.map(({ kpi, short }) => (
              <th scope="col" key={kpi} title={KPIS[kpi].label} aria-label={KPIS[kpi].label}>
                {short}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((intent) => {
            const s = stats[intent];
            return (
              <tr key={intent} aria-label={`Intent ${intent}`}>
                <th scope="row">{intent}</th>
                <td>{s ? s.calls : 0}</td>
                {COLUMNS.map(({ kpi: c }) => {
                  const v = s ? s.kpis[c] : null;
                  const n = s ? sampleOf(s, c) : 0;
                  const few = n !== null && n < FEW;
                  return (
                    <td
                      key={c}
                      className={few ? 'few' : `status-${live ? kpiStatus(KPIS[c], v) : 'unknown'}`}
                      title={few && v !== null ? `only ${n}: too few to judge` : undefined}
                    >
                      {formatKpiValue(KPIS[c], v)}
                      {few && v !== null ? <span className="n"> ({n})</span> : null}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
