import { useEffect, useMemo, useRef, useState } from 'react';
import type { CheckVerdict, ReviewCheckDefinition, ReviewCheckRecord, ReviewDecision, ReviewRecord } from '../../../shared/cadence.js';
import type { ReviewView } from '../../../shared/console-state.js';
import { useConsole } from '../../state/store.js';
import { EvidenceKpi, EvidenceSummary } from './EvidencePanel.js';
import { decisionTitle, reviewName, statusText } from '../../../shared/review-text.js';
import { Time } from '../common/Time.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { invoke as invokeCore } from '../../bridge/invoke.js';
import { OneInFlightSaver } from '../common/one-in-flight-saver.js';
import { refused, useRefusal } from '../team/use-refusal.js';

const DECISIONS: ReviewDecision[] = ['continue', 'hold', 'rollback'];

/** One review: before it is opened, what it will check; once open, the frozen evidence, the checks and the decision. */
export function ReviewForm({ view, now }: { view: ReviewView; now: number }) {
  const { review, status, record } = view;
  const name = reviewName(review);
  return (
    <section className="panel review-form" aria-label={`Review form: ${name}`}>
      <header className="review-form-head">
        <h2>{name}</h2>
        <span>
          due <Time ms={review.dueAt} /> · <strong>{statusText(status, review.dueAt, now)}</strong>
        </span>
      </header>
      {record ? <OpenedReview view={view} record={record} /> : <NotOpened view={view} />}
    </section>
  );
}

function NotOpened({ view }: { view: ReviewView }) {
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('review:open');
  const open = async () => {
    if (await invoke('review:open', { reviewId: view.review.id })) useConsole.getState().dismissReviewNotices(view.review.id);
  };
  return (
    <div className="not-opened">
      <p>Checks:</p>
      <ul>
        {view.review.checks.map((c) => (
          <li key={c.id}>{c.label}</li>
        ))}
      </ul>
      <p className="muted">Opening the review freezes the evidence as it stands now: the figures, the failing intents and the alerts since the last review.</p>
      <button className="primary" {...refused(refusal, busy)} onClick={() => void open()}>
        {view.status === 'upcoming' ? 'Open early' : 'Open review'}
      </button>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </div>
  );
}

function OpenedReview({ view, record }: { view: ReviewView; record: ReviewRecord }) {
  const done = record.completedAt !== undefined;
  const byCheck = new Map(record.checks.map((c) => [c.checkId, c]));
  const kpis = new Map(record.evidence.kpis.map((k) => [k.kpi, k]));
  return (
    <>
      <EvidenceSummary evidence={record.evidence} openedBy={record.openedBy} />
      <ol className="checks" aria-label="Checks">
        {view.review.checks.map((check) => (
          <li key={check.id} className="check" aria-label={`Check ${check.label}`}>
            <CheckRow reviewId={view.review.id} check={check} record={byCheck.get(check.id)} readOnly={done} />
            {check.kpis.length > 0 && (
              <div className="check-kpis">
                {check.kpis.flatMap((id) => {
                  const k = kpis.get(id);
                  return k ? [<EvidenceKpi key={id} kpi={k} />] : [];
                })}
              </div>
            )}
          </li>
        ))}
      </ol>
      {done ? <CompletedDecision record={record} /> : <DecisionForm view={view} record={record} />}
    </>
  );
}

function CheckRow({
  reviewId,
  check,
  record,
  readOnly,
}: {
  reviewId: string;
  check: ReviewCheckDefinition;
  record: ReviewCheckRecord | undefined;
  readOnly: boolean;
}) {
  const stored = record?.verdict ?? null;
  // Shown at once on a click; the next snapshot (a few times a second) confirms it or brings another reviewer's.
  const [verdict, setVerdict] = useState<CheckVerdict | null>(stored);
  useEffect(() => setVerdict(stored), [stored]);
  const [note, setNote] = useState(record?.note ?? '');
  const [saveState, setSaveState] = useState<{ kind: 'idle' | 'saving' | 'saved' } | { kind: 'error'; message: string }>({ kind: 'idle' });
  // Every change goes out at once, one request in flight, like annotation notes: nothing typed waits for the field to lose focus.
  const saver = useMemo(
    () =>
      new OneInFlightSaver(
        (r: CheckSave) => r.checkId,
        (r: CheckSave) => invokeCore('review:check', r),
        {
          saving: () => setSaveState({ kind: 'saving' }),
          settled: () => setSaveState({ kind: 'saved' }),
          failed: (e) => setSaveState({ kind: 'error', message: e.message }),
        },
      ),
    [],
  );
  // Another reviewer's note reaches this screen with the next snapshot, unless this one is being typed here.
  const storedNote = record?.note ?? '';
  const noteField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!saver.busy && document.activeElement !== noteField.current) setNote(storedNote);
  }, [storedNote, saver]);
  const refusal = useRefusal('review:check');
  if (readOnly) {
    return (
      <div className="check-head">
        <strong>{check.label}</strong>
        <span className={`verdict verdict-${stored ?? 'none'}`}>{stored === 'issue' ? 'Issue' : stored === 'ok' ? 'OK' : '—'}</span>
        {record?.note && <span className="check-note">{record.note}</span>}
      </div>
    );
  }
  const save = (v: CheckVerdict | null, n: string) => {
    setVerdict(v);
    setNote(n);
    saver.save({ reviewId, checkId: check.id, verdict: v, note: n });
  };
  return (
    <>
      <div className="check-head">
        <strong>{check.label}</strong>
        <div role="radiogroup" aria-label={`${check.label} verdict`} className="verdict-choice">
          {(['ok', 'issue'] as const).map((v) => (
            <label key={v} className={`verdict-option verdict-${v}`}>
              <input type="radio" name={`${reviewId}-${check.id}`} checked={verdict === v} {...refused(refusal)} onChange={() => save(v, note)} />
              {v === 'ok' ? 'OK' : 'Issue'}
            </label>
          ))}
        </div>
      </div>
      <input
        ref={noteField}
        className="check-note-input"
        {...refused(refusal)}
        aria-label={`Note for ${check.label}`}
        placeholder={verdict === 'issue' ? 'What is wrong, and what is being done' : 'Note (optional)'}
        value={note}
        maxLength={4000}
        onChange={(e) => save(verdict, e.target.value)}
      />
      <span className="check-save muted" role="status" aria-label={`Saving ${check.label}`}>
        {saveState.kind === 'saving' ? 'Saving…' : saveState.kind === 'saved' ? 'Saved' : ''}
      </span>
      {saveState.kind === 'error' && (
        <p role="alert" className="form-error">
          Not saved: {saveState.message}
        </p>
      )}
    </>
  );
}

type CheckSave = { reviewId: string; checkId: string; verdict: CheckVerdict | null; note: string };

function DecisionForm({ view, record }: { view: ReviewView; record: ReviewRecord }) {
  const [decision, setDecision] = useState<ReviewDecision | null>(null);
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('review:complete');
  const unanswered = view.review.checks.filter((c) => !record.checks.some((r) => r.checkId === c.id && r.verdict !== null));
  const name = reviewName(view.review);
  const complete = async () => {
    if (!decision) return;
    const done = await invoke('review:complete', { reviewId: view.review.id, decision });
    if (done && decision === 'rollback') {
      useConsole.getState().openEmergency({ action: 'rollback', reason: `review ${name}`, origin: `review: ${name}` });
    }
  };
  const missing =
    unanswered.length > 0
      ? `Mark every check first: ${unanswered.map((c) => c.label).join(', ')}.`
      : decision === null
        ? 'Choose a decision.'
        : null;
  return (
    <div className="decision">
      <fieldset>
        <legend>Decision</legend>
        {DECISIONS.map((d) => (
          <label key={d} className={`decision-option decision-${d}`}>
            <input type="radio" name={`${view.review.id}-decision`} checked={decision === d} {...refused(refusal)} onChange={() => setDecision(d)} />
            {decisionTitle(d)}
          </label>
        ))}
      </fieldset>
      {decision === 'rollback' && <p className="warn-text">Completing opens the emergency controls to confirm the rollback.</p>}
      <div className="decision-actions">
        <button className="primary" {...refused(refusal, busy || missing !== null)} onClick={() => void complete()}>
          Complete review
        </button>
        {missing && <span className="muted">{missing}</span>}
      </div>
      <p className="muted">A completed review is read-only and goes to the audit log.</p>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </div>
  );
}

function CompletedDecision({ record }: { record: ReviewRecord }) {
  return (
    <p className={`completed decision-${record.decision ?? 'none'}`} aria-label="Decision">
      Decision: <strong>{record.decision ? decisionTitle(record.decision) : '—'}</strong> · completed by {record.completedBy} at{' '}
      <Time ms={Date.parse(record.completedAt ?? record.openedAt)} /> · read-only
    </p>
  );
}
