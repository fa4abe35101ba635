import { useEffect, useState } from 'react';
import { formatDuration } from '../../../shared/format.js';
import type { Rehearsal, RehearsalAction } from '../../../shared/rollout.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { selectRehearsal } from '../../state/rollout.js';
import { useConsole } from '../../state/store.js';
import { refused, useRefusal } from '../team/use-refusal.js';
import { Time } from '../common/Time.js';

const ACTION_WORDS: Record<RehearsalAction, string> = { stop_all: 'Stop all', route_fallback: 'Route to fallback', rollback: 'Roll back' };

/** "Rehearse rollback": the real runbook against a provider the team chose, timed step by step. */
export function RehearsalPanel() {
  const view = useConsole(selectRehearsal);
  if (!view) return null;
  return (
    <section className="panel rehearsal" aria-label="Rollback rehearsal">
      <h2>Rehearse rollback</h2>
      <p className="muted">
        Acts on {view.provider}. Passes when restored in under {formatDuration(view.passUnderMs)} with the fallback seen or heard.
      </p>
      {view.active ? <Active rehearsal={view.active} busy={view.busy} live={view.live} /> : <Start provider={view.provider} live={view.live} />}
      {view.recent.length > 0 && (
        <table className="criteria-table" aria-label="Rehearsals">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Time</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {view.recent.map((r) => (
              <tr key={r.id}>
                <td>
                  <Time ms={r.startedAt} form="day" />
                </td>
                <td>{r.by}</td>
                <td>{ACTION_WORDS[r.action]}</td>
                <td>{r.totalMs === null ? '—' : formatDuration(r.totalMs)}</td>
                <td>{r.verdict}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Start({ provider, live }: { provider: string; live: boolean }) {
  const [action, setAction] = useState<RehearsalAction>('route_fallback');
  const [confirming, setConfirming] = useState(false);
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('rehearsal:start');
  return (
    <div className="rehearsal-start">
      <label>
        Action to rehearse
        <select value={action} onChange={(e) => setAction(e.target.value as RehearsalAction)}>
          {(Object.keys(ACTION_WORDS) as RehearsalAction[]).map((a) => (
            <option key={a} value={a}>
              {ACTION_WORDS[a]}
            </option>
          ))}
        </select>
      </label>
      {confirming ? (
        <div role="alertdialog" aria-label="Confirm the rehearsal" className={live ? 'ladder-alarm' : ''}>
          <p>
            {ACTION_WORDS[action]} will act on <strong>{provider}</strong>
            {live ? ': this is live routing, real callers are affected.' : '.'}
          </p>
          <button className="primary" {...refused(refusal, busy)} onClick={() => void invoke('rehearsal:start', { action }).then(() => setConfirming(false))}>
            Start the rehearsal on {live ? 'live routing' : 'the rehearsal provider'}
          </button>
          <button onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      ) : (
        <button {...refused(refusal)} onClick={() => setConfirming(true)}>
          Rehearse rollback
        </button>
      )}
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

function useElapsed(since: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return Math.max(0, now - since);
}

function Active({ rehearsal: r, busy: stepping, live }: { rehearsal: Rehearsal; busy: boolean; live: boolean }) {
  const elapsed = useElapsed(r.startedAt);
  const [heard, setHeard] = useState('');
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('rehearsal:trigger');
  const has = (kind: string) => r.steps.some((s) => s.kind === kind);
  const ticked = (text: string) => r.steps.some((s) => s.kind === 'manual' && s.text === text);
  const disabled = busy || stepping;
  const step = (off: boolean) => refused(refusal, disabled || off);
  return (
    <div className="rehearsal-active">
      <p className="rehearsal-timer" aria-label="Rehearsal timer">
        <span className="caption">Elapsed</span> <strong>{formatDuration(elapsed)}</strong> · {ACTION_WORDS[r.action]} by {r.by}
      </p>
      <div className="rehearsal-buttons">
        <button className="primary" {...step(has('triggered'))} onClick={() => void invoke('rehearsal:trigger', {})}>
          Trigger {ACTION_WORDS[r.action]}
        </button>
        <button {...step(!has('verified') || has('restored'))} onClick={() => void invoke('rehearsal:restore', {})}>
          Restore
        </button>
        <button {...step(false)} onClick={() => void invoke('rehearsal:finish', {})}>
          Finish
        </button>
      </div>
      {!has('fallback-seen') && !has('fallback-heard') && (
        <form
          aria-label="Heard the fallback"
          onSubmit={(e) => {
            e.preventDefault();
            void invoke('rehearsal:tick', { kind: 'fallback-heard', text: heard });
          }}
        >
          <span className="muted">{live ? 'Waiting for the stream to show a new call on the fallback, or ' : 'No traffic here: dial the staging number and '}</span>
          <input aria-label="What you heard" placeholder="what you heard" value={heard} onChange={(e) => setHeard(e.target.value)} />
          <button type="submit" {...step(false)}>
            Heard the fallback
          </button>
        </form>
      )}
      {r.manualSteps.length > 0 && (
        <ul className="gate-items" aria-label="Manual steps">
          {r.manualSteps.map((manual) => (
            <li key={manual}>
              <label>
                <input type="checkbox" checked={ticked(manual)} {...step(ticked(manual))} onChange={() => void invoke('rehearsal:tick', { kind: 'manual', text: manual })} />
                {manual}
              </label>
            </li>
          ))}
        </ul>
      )}
      <ol className="rehearsal-steps" aria-label="Rehearsal steps">
        {r.steps.map((s, i) => (
          <li key={i}>
            <span className="num">+{formatDuration(s.afterMs)}</span> {s.text}
          </li>
        ))}
      </ol>
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}
