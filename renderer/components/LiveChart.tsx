import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AlertLogEntry, AlertTransition } from '../../shared/alerts.js';
import { formatFigure } from '../../shared/format.js';
import { KPIS, type SeriesPoint } from '../../shared/kpi.js';
import { Time } from './common/Time.js';
import './alerts/alerts.css';

const P95 = KPIS.turnLatencyP95;
/** The launch target the chart draws, from the KPI catalogue so the line and the tiles never disagree. */
const P95_TARGET_MS = P95.target?.value;

const timeLabel = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

const MARK_COLOURS = { fired: '#f85149', resolved: '#3fb950' } as const;
/** Marks listed under the chart; the chart itself draws every one in range. */
const LISTED_MARKS = 6;

type Mark = AlertTransition & { kind: 'fired' | 'resolved' };

/** Episode boundaries inside the series' time range: older ones would pin to the chart's edge. */
function marksWithin(log: readonly AlertLogEntry[], series: SeriesPoint[]): Mark[] {
  const first = series[0]?.t;
  const last = series.at(-1)?.t;
  if (first === undefined || last === undefined) return [];
  return log.filter((e): e is Mark => (e.kind === 'fired' || e.kind === 'resolved') && e.at >= first && e.at <= last);
}

export function LiveChart({ series, alerts = [] }: { series: SeriesPoint[]; alerts?: readonly AlertLogEntry[] }) {
  const marks = marksWithin(alerts, series);
  return (
    <section className="panel chart" aria-label="Call rate and P95 turn latency chart">
      <h2>Call rate and P95 turn latency (per minute)</h2>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#2a3441" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={timeLabel} stroke="#8b98a9" minTickGap={40} />
          <YAxis yAxisId="rate" stroke="#6cb6ff" width={48} />
          <YAxis
            yAxisId="lat"
            orientation="right"
            stroke="#f0b35b"
            width={56}
            tickFormatter={(v: number) => `${(v / 1000).toFixed(1)} s`}
            domain={[0, (max: number) => Math.max(1600, Math.ceil(max / 200) * 200)]}
          />
          <Tooltip
            labelFormatter={(t) => timeLabel(Number(t))}
            contentStyle={{ background: '#141b24', border: '1px solid #2a3441' }}
          />
          <Legend />
          {P95_TARGET_MS !== undefined && (
            <ReferenceLine
              yAxisId="lat"
              y={P95_TARGET_MS}
              stroke="#ff6b6b"
              strokeDasharray="6 4"
              label={{ value: `P95 target ${formatFigure(P95_TARGET_MS, P95.unit)}`, fill: '#ff6b6b', position: 'insideTopLeft', fontSize: 12 }}
            />
          )}
          {marks.map((m) => (
            <ReferenceLine
              key={`${m.kind}:${m.ruleId}:${m.at}`}
              yAxisId="rate"
              x={m.at}
              stroke={MARK_COLOURS[m.kind]}
              strokeWidth={2}
              ifOverflow="discard"
            />
          ))}
          <Line yAxisId="rate" dataKey="callRate" name="Calls/min" stroke="#6cb6ff" dot={false} isAnimationActive={false} />
          <Line yAxisId="lat" dataKey="p95" name="P95 latency (ms)" stroke="#f0b35b" dot={false} isAnimationActive={false} connectNulls={false} />
        </ComposedChart>
      </ResponsiveContainer>
      {marks.length > 0 && (
        <ul className="chart-marks" aria-label="Alert marks on the chart">
          {marks.slice(-LISTED_MARKS).map((m) => (
            <li key={`${m.kind}:${m.ruleId}:${m.at}`} className={`mark-${m.kind}`}>
              <Time ms={m.at} form="clock" /> {m.kind === 'fired' ? 'fired' : 'resolved'}: {m.ruleName}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
