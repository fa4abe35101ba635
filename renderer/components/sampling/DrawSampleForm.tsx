import { useState, type FormEvent } from 'react';
import type { SessionListItem } from '../../../shared/bridge.js';
import { SAMPLE_SIZE, SeedSchema } from '../../../shared/sampling.js';
import { useConsole } from '../../state/store.js';
import { fromFieldValue, toFieldValue } from '../common/Time.js';
import { invoke } from '../../bridge/invoke.js';
import { refused, useRefusal } from '../team/use-refusal.js';

type RangeChoice = 'launch' | 'custom';

/** Draws a stratified sample and saves it as a named session; the seed it used is shown after. */
export function DrawSampleForm({ onDrawn }: { onDrawn: (item: SessionListItem) => void }) {
  const span = useConsole((s) => s.snapshot?.sampling.span ?? null);
  const [name, setName] = useState('');
  const [size, setSize] = useState(String(SAMPLE_SIZE.default));
  const [rangeChoice, setRangeChoice] = useState<RangeChoice>('launch');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [overweight, setOverweight] = useState(false);
  const [seed, setSeed] = useState('');
  const [busy, setBusy] = useState(false);
  const refusal = useRefusal('sampling:start');
  const [error, setError] = useState<string | null>(null);

  const chooseRange = (choice: RangeChoice) => {
    // A custom range starts from the whole launch so far, so the operator only narrows it.
    if (choice === 'custom' && span && from === '' && to === '') {
      setFrom(toFieldValue(span.from));
      setTo(toFieldValue(span.to + 60_000));
    }
    setRangeChoice(choice);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const problem = checkForm();
    if (typeof problem === 'string') {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      onDrawn(await invoke('sampling:start', problem));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  /** The request, or what is wrong with the form in words. */
  const checkForm = () => {
    if (name.trim() === '') return 'Give the sample a name (for example "End of day 1"), so the next shift can find it.';
    const n = Number(size);
    if (!Number.isInteger(n) || n < SAMPLE_SIZE.min || n > SAMPLE_SIZE.max) {
      return `Sample size must be a whole number from ${SAMPLE_SIZE.min} to ${SAMPLE_SIZE.max}.`;
    }
    let range: { from: number; to: number };
    if (rangeChoice === 'launch') {
      if (!span) return 'No calls have arrived yet, so there is nothing to sample.';
      range = span;
    } else {
      const f = fromFieldValue(from);
      const t = fromFieldValue(to);
      if (f === null || t === null) return 'Enter both ends of the time range.';
      if (f >= t) return 'The range must start before it ends.';
      range = { from: f, to: t };
    }
    let seedValue: number | undefined;
    if (seed.trim() !== '') {
      const parsed = SeedSchema.safeParse(Number(seed));
      if (!parsed.success) return 'The seed must be a whole number from 0 to 4294967295, or left empty for a new one.';
      seedValue = parsed.data;
    }
    return { name: name.trim(), size: n, range, overweightFailures: overweight, ...(seedValue === undefined ? {} : { seed: seedValue }) };
  };

  return (
    <form className="panel sampling-form" aria-label="Draw a sample" onSubmit={(e) => void submit(e)}>
      <h2>Draw a sample</h2>
      <div className="sampling-fields">
        <label>
          Sample name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="End of day 1" maxLength={200} />
        </label>
        <label>
          Sample size
          <input
            type="number"
            min={SAMPLE_SIZE.min}
            max={SAMPLE_SIZE.max}
            value={size}
            onChange={(e) => setSize(e.target.value)}
            aria-describedby="sample-size-hint"
          />
          <span id="sample-size-hint" className="muted hint">
            {SAMPLE_SIZE.min}–{SAMPLE_SIZE.max} calls
          </span>
        </label>
        <label>
          Seed (optional)
          <input
            inputMode="numeric"
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
            placeholder="new random seed"
            aria-describedby="seed-hint"
          />
          <span id="seed-hint" className="muted hint">
            Recorded with the session, with a snapshot of the calls held for the range. The same seed draws the same
            calls only from that snapshot: use “Redraw with this seed” on a session. Here it draws from the calls held
            now, which change as new calls arrive.
          </span>
        </label>
        <fieldset className="sampling-range">
          <legend>Time range</legend>
          <label className="inline">
            <input type="radio" name="range" checked={rangeChoice === 'launch'} onChange={() => chooseRange('launch')} />
            Whole launch so far
          </label>
          <label className="inline">
            <input type="radio" name="range" checked={rangeChoice === 'custom'} onChange={() => chooseRange('custom')} />
            Custom range
          </label>
          {rangeChoice === 'custom' && (
            <span className="sampling-range-fields">
              <label>
                From
                <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
              </label>
              <label>
                To
                <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
              </label>
            </span>
          )}
        </fieldset>
        <div className="sampling-overweight">
          <label className="inline">
            <input
              type="checkbox"
              checked={overweight}
              onChange={(e) => setOverweight(e.target.checked)}
              aria-describedby="overweight-hint"
            />
            Over-weight failures
          </label>
          <span id="overweight-hint" className="muted hint">
            Half of each intent's calls then come from calls with a failure signal, to see more of what went wrong.
          </span>
        </div>
      </div>
      {error && (
        <p role="alert" className="sampling-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" {...refused(refusal, busy)}>
        {busy ? 'Drawing…' : 'Draw sample'}
      </button>
    </form>
  );
}
