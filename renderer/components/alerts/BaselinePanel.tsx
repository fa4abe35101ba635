import { useState } from 'react';
import type { BaselineSet } from '../../../shared/alerts.js';
import { formatKpiValue } from '../../../shared/format.js';
import { KPI_IDS, KPIS } from '../../../shared/kpi.js';
import { Time } from '../common/Time.js';
import { errorText, invoke } from '../../bridge/invoke.js';

const CAPTURE_WINDOWS = [15, 60] as const;
type CaptureWindow = (typeof CAPTURE_WINDOWS)[number];

type Result = { kind: 'captured'; windowMin: CaptureWindow; captured: string[]; skipped: string[] } | { kind: 'error'; message: string };

function sourceText(source: BaselineSet['source']) {
  if (source === 'config') return <>From the launch configuration (staging figures)</>;
  const at = Date.parse(source.slice('captured at '.length));
  return Number.isNaN(at) ? <>{source}</> : <>Captured from live traffic at <Time ms={at} /></>;
}

/** The baselines the baseline-multiple rules compare with, and capturing new ones from live traffic. */
export function BaselinePanel({ baselines }: { baselines: BaselineSet }) {
  const [windowMin, setWindowMin] = useState<CaptureWindow>(15);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const kpis = KPI_IDS.filter((k) => baselines.values[k] !== undefined);

  const capture = () => {
    setBusy(true);
    setResult(null);
    invoke('alerts:capture-baseline', { windowMin })
      .then((r) => setResult({ kind: 'captured', windowMin, ...r }))
      .catch((e: unknown) => setResult({ kind: 'error', message: errorText(e) }))
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel" aria-label="Baselines">
      <h2>Baselines</h2>
      <p className="muted">{sourceText(baselines.source)}</p>
      {kpis.length === 0 ? (
        <p>No baselines: rules that compare with a baseline read “no data”.</p>
      ) : (
        <dl className="baseline-list">
          {kpis.map((k) => (
            <div key={k}>
              <dt>{KPIS[k].label}</dt>
              <dd>{formatKpiValue(KPIS[k], baselines.values[k] ?? null)}</dd>
            </div>
          ))}
        </dl>
      )}
      <fieldset className="baseline-capture">
        <legend>Capture a new baseline from live traffic (replaces the one above)</legend>
        {CAPTURE_WINDOWS.map((w) => (
          <label key={w}>
            <input type="radio" name="baseline-window" checked={windowMin === w} onChange={() => setWindowMin(w)} /> last {w} minutes
          </label>
        ))}
        <button onClick={capture} disabled={busy}>
          {busy ? 'Capturing…' : `Capture baseline from the last ${windowMin} minutes`}
        </button>
      </fieldset>
      {result?.kind === 'captured' && (
        <div role="status" aria-label="Captured baseline" className="baseline-result">
          <strong>
            Captured {result.captured.length} baselines from the last {result.windowMin} minutes.
          </strong>
          <p>{result.captured.join(' · ')}</p>
          {result.skipped.length > 0 && (
            <p className="muted">
              Left out (their baseline rules read “no data”): {result.skipped.join(' · ')}
            </p>
          )}
        </div>
      )}
      {result?.kind === 'error' && (
        <p role="alert" className="alert-error">
          Not captured: {result.message}
        </p>
      )}
    </section>
  );
}
