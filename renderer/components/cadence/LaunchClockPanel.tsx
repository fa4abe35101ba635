import { useState, type FormEvent } from 'react';
import type { LaunchClock } from '../../../shared/cadence.js';
import { formatMinutes } from '../../../shared/time-format.js';
import { fromFieldValue, Time, toFieldValue } from '../common/Time.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { refused, useRefusal } from '../team/use-refusal.js';

/** T0, where it came from, the launch clock now, and the way to set or clear T0. */
export function LaunchClockPanel({ clock, now }: { clock: LaunchClock | null; now: number }) {
  const [editing, setEditing] = useState(false);
  const refusal = useRefusal('cadence:set-t0');
  const t0 = clock?.t0 ? Date.parse(clock.t0) : null;
  return (
    <section className="panel launch-clock" aria-label="Launch clock">
      <div className="launch-clock-figures">
        <div>
          <span className="caption">T0 (launch start)</span>
          {t0 !== null && clock ? (
            <span>
              <strong>
                <Time ms={t0} label="T0" />
              </strong>{' '}
              <span className="muted">
                {clock.source === 'first_call' ? 'from the first live call' : `set by ${clock.setBy}`}
              </span>
            </span>
          ) : (
            <strong className="warn-text">
              {clock ? `cleared by ${clock.setBy}: ` : ''}waiting for the first live call
            </strong>
          )}
        </div>
        <div>
          <span className="caption">Launch clock now</span>
          <span>
            <Time ms={now} label="Launch clock now" /> {t0 !== null && <span className="muted">· {elapsed(now, t0)}</span>}
          </span>
        </div>
        <button aria-expanded={editing} {...refused(refusal)} onClick={() => setEditing(!editing)}>
          {t0 === null ? 'Set T0' : 'Change T0'}
        </button>
      </div>
      {editing && <T0Form initial={t0 ?? now} canClear={t0 !== null} onDone={() => setEditing(false)} />}
    </section>
  );
}

function T0Form({ initial, canClear, onDone }: { initial: number; canClear: boolean; onDone: () => void }) {
  const [value, setValue] = useState(toFieldValue(initial));
  const { invoke, error, busy } = useInvoke();
  const parsed = fromFieldValue(value) ?? NaN;
  const save = async (t0: string | null) => {
    if (await invoke('cadence:set-t0', { t0 })) onDone();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (Number.isFinite(parsed)) void save(new Date(parsed).toISOString());
  };
  return (
    <form className="t0-form" aria-label="Set T0" onSubmit={submit}>
      <label>
        T0 in your local time
        <input type="datetime-local" value={value} onChange={(e) => setValue(e.target.value)} required />
      </label>
      <span className="muted">{Number.isFinite(parsed) ? `= ${new Date(parsed).toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'enter a date and time'}</span>
      <button type="submit" disabled={busy || !Number.isFinite(parsed)}>
        Save T0
      </button>
      {canClear && (
        <button type="button" disabled={busy} onClick={() => void save(null)} title="After a test call started the clock: the next live call sets T0 again">
          Clear T0
        </button>
      )}
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <span className="muted">Reviews keep their records; their due times move with T0.</span>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </form>
  );
}

function elapsed(now: number, t0: number): string {
  const min = Math.floor(Math.abs(now - t0) / 60_000);
  return now >= t0 ? `T0+${formatMinutes(min)}` : `T0 in ${formatMinutes(min)}`;
}
