import { useState } from 'react';
import type { BaselineChange, BaselineSet } from '../../../shared/alerts.js';
import { formatKpiValue } from '../../../shared/format.js';
import { KPI_IDS, KPIS, type KpiId } from '../../../shared/kpi.js';
import { Time } from '../common/Time.js';
import { errorText, invoke } from '../../bridge/invoke.js';
import { refused, useRefusal } from '../team/use-refusal.js';

const CAPTURE_WINDOWS = [15, 60] as const;
type CaptureWindow = (typeof CAPTURE_WINDOWS)[number];

/** Rows drawn at most; the core keeps the last 50 changes. */
const HISTORY_SHOWN = 20;

type Result =
  | { kind: 'captured'; windowMin: CaptureWindow; captured: string[]; skipped: string[]; warning: string | null }
  | { kind: 'warning'; warning: string }
  | { kind: 'reverted'; id: number; restored: string[]; kept: string[] }
  | { kind: 'error'; message: string };

const fmt = (kpi: KpiId, value: number | null | undefined) => formatKpiValue(KPIS[kpi], value ?? null);

/**
 * The baselines the baseline-multiple rules and the reviews compare with, each with where it came
 * from; capturing chosen KPIs from live traffic over them, and taking a capture back.
 */
export function BaselinePanel({ baselines, ruleKpis }: { baselines: BaselineSet; ruleKpis: readonly KpiId[] }) {
  const [windowMin, setWindowMin] = useState<CaptureWindow>(15);
  const [chosen, setChosen] = useState<ReadonlySet<KpiId>>(() => new Set(ruleKpis));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const captureRefusal = useRefusal('alerts:capture-baseline');
  const kpis = KPI_IDS.filter((k) => baselines.values[k] !== undefined);
  const picked = KPI_IDS.filter((k) => chosen.has(k));

  const run = (work: Promise<Result>) => {
    setBusy(true);
    setResult(null);
    work
      .then(setResult)
      .catch((e: unknown) => setResult({ kind: 'error', message: errorText(e) }))
      .finally(() => setBusy(false));
  };
  const capture = (despiteAlerts: boolean) =>
    run(
      invoke('alerts:capture-baseline', { windowMin, kpis: picked, despiteAlerts }).then((r): Result =>
        r.kind === 'warning' ? r : { kind: 'captured', windowMin, captured: r.captured, skipped: r.skipped, warning: r.warning },
      ),
    );
  const revert = (id: number) => run(invoke('alerts:revert-baseline', { change: id }).then((r): Result => ({ kind: 'reverted', id, ...r })));
  const toggle = (kpi: KpiId) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (!next.delete(kpi)) next.add(kpi);
      return next;
    });

  return (
    <section className="panel" aria-label="Baselines">
      <h2>Baselines</h2>
      {kpis.length === 0 ? (
        <p>No baselines: rules that compare with a baseline read “no data”.</p>
      ) : (
        <dl className="baseline-list">
          {kpis.map((k) => {
            const c = baselines.captured[k];
            return (
              <div key={k}>
                <dt>{KPIS[k].label}</dt>
                <dd>{fmt(k, baselines.values[k])}</dd>
                <dd className="muted small baseline-origin">
                  {c ? (
                    <>
                      captured by {c.by}
                      {c.windowMin !== null && <> over {c.windowMin} min</>} to <Time ms={c.streamTime} form="clock" /> (#{c.change})
                    </>
                  ) : (
                    'configured'
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      <fieldset className="baseline-capture">
        <legend>Capture from live traffic: only the KPIs ticked change, the others keep their baselines</legend>
        <div className="baseline-kpis" role="group" aria-label="KPIs to capture">
          {KPI_IDS.map((k) => (
            <label key={k}>
              <input type="checkbox" checked={chosen.has(k)} onChange={() => toggle(k)} /> {KPIS[k].label}
            </label>
          ))}
        </div>
        {CAPTURE_WINDOWS.map((w) => (
          <label key={w}>
            <input type="radio" name="baseline-window" checked={windowMin === w} onChange={() => setWindowMin(w)} /> last {w} minutes
          </label>
        ))}
        <button onClick={() => capture(false)} {...refused(captureRefusal, busy || picked.length === 0)}>
          {busy ? 'Working…' : `Capture ${picked.length} KPI${picked.length === 1 ? '' : 's'} from the last ${windowMin} minutes`}
        </button>
      </fieldset>
      <ResultNote result={result} busy={busy} onCaptureAnyway={() => capture(true)} />
      <BaselineHistory history={baselines.history} busy={busy} onRevert={revert} />
    </section>
  );
}

function ResultNote({ result, busy, onCaptureAnyway }: { result: Result | null; busy: boolean; onCaptureAnyway: () => void }) {
  switch (result?.kind) {
    case undefined:
      return null;
    case 'warning':
      return (
        <div role="alert" className="baseline-warning">
          <strong>Not captured yet.</strong> {result.warning}.{' '}
          <button className="danger-outline" onClick={onCaptureAnyway} disabled={busy}>
            Capture anyway
          </button>
        </div>
      );
    case 'captured':
      return (
        <div role="status" aria-label="Captured baseline" className="baseline-result">
          <strong>
            Captured {result.captured.length} baseline{result.captured.length === 1 ? '' : 's'} from the last {result.windowMin} minutes.
          </strong>
          <p>{result.captured.join(' · ')}</p>
          {result.skipped.length > 0 && <p className="muted">Left out, keeping their baselines: {result.skipped.join(' · ')}</p>}
          {result.warning && <p className="warn-text">Captured despite: {result.warning}</p>}
        </div>
      );
    case 'reverted':
      return (
        <div role="status" aria-label="Reverted baseline" className="baseline-result">
          <strong>Capture #{result.id} reverted.</strong>
          <p>{result.restored.join(' · ')}</p>
          {result.kept.length > 0 && <p className="muted">Kept: {result.kept.join(' · ')}</p>}
        </div>
      );
    case 'error':
      return (
        <p role="alert" className="alert-error">
          {result.message}
        </p>
      );
  }
}

function changeText(c: BaselineChange): string {
  if (c.kind === 'revert') {
    const back = KPI_IDS.filter((k) => k in c.restored).map((k) => `${KPIS[k].label} ${c.restored[k] === null ? 'none' : fmt(k, c.restored[k])}`);
    return `reverted #${c.revertOf}: ${back.join(' · ')}`;
  }
  const took = KPI_IDS.filter((k) => c.values[k] !== undefined).map((k) => `${KPIS[k].label} ${fmt(k, c.values[k])}`);
  return `captured${c.windowMin === null ? '' : ` over ${c.windowMin} min`}: ${took.join(' · ')}${c.warning ? ` (despite: ${c.warning})` : ''}`;
}

function BaselineHistory({ history, busy, onRevert }: { history: readonly BaselineChange[]; busy: boolean; onRevert: (id: number) => void }) {
  const refusal = useRefusal('alerts:revert-baseline');
  if (history.length === 0) return null;
  const reverted = new Set(history.flatMap((h) => (h.kind === 'revert' ? [h.revertOf] : [])));
  return (
    <table className="alert-history baseline-history" aria-label="Baseline history">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Change</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {history
          .slice(-HISTORY_SHOWN)
          .reverse()
          .map((c) => (
            <tr key={c.id}>
              <td>{c.id}</td>
              <td>
                <Time ms={c.at} form="clock" />
              </td>
              <td>{c.by}</td>
              <td>{changeText(c)}</td>
              <td>
                {c.kind === 'capture' &&
                  (reverted.has(c.id) ? (
                    <span className="muted">reverted</span>
                  ) : (
                    <button aria-label={`Revert baseline capture ${c.id}`} onClick={() => onRevert(c.id)} {...refused(refusal, busy)}>
                      Revert
                    </button>
                  ))}
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
