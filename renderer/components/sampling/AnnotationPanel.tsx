import { useEffect, useRef, useState } from 'react';
import {
  FAILURE_CATEGORIES,
  NAVIGATION_KEYS,
  NOTE_MAX_CHARS,
  VERDICT_KEYS,
  type Annotation,
  type FailureCategory,
  type NavigationDirection,
  type Verdict,
} from '../../../shared/sampling.js';
import { formatUtc } from '../../../shared/time-format.js';
import { formatTime } from '../common/Time.js';
import { refused } from '../team/use-refusal.js';

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: number } | { kind: 'error'; message: string };

const KEY_LABELS: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑' };
const keyLabel = (key: string) => KEY_LABELS[key] ?? key.toUpperCase();
/** Previous on the left, next on the right, as they read. */
const NAVIGATION_IN_ORDER = [...NAVIGATION_KEYS].sort((a, b) => Number(a.direction === 'next') - Number(b.direction === 'next'));

/** Verdict, failure categories and note for the call on screen, with the key for each control. */
export function AnnotationPanel({
  annotation,
  save,
  onVerdict,
  onCategory,
  onNote,
  onNavigate,
  canPrevious,
  canNext,
  refusal = null,
}: {
  annotation: Annotation | undefined;
  save: SaveState;
  onVerdict: (v: Verdict) => void;
  onCategory: (c: FailureCategory) => void;
  onNote: (note: string) => void;
  onNavigate: (d: NavigationDirection) => void;
  canPrevious: boolean;
  canNext: boolean;
  /** Why this operator's role may not annotate (team mode); the controls are then disabled with it as their title. */
  refusal?: string | null;
}) {
  const verdict = annotation?.verdict ?? null;
  const categories = annotation?.categories ?? [];
  return (
    <section className="panel annotation" aria-label="Annotation">
      <h2>Annotation</h2>
      <div className="verdicts" role="group" aria-label="Verdict">
        {VERDICT_KEYS.map((v) => (
          <button
            key={v.verdict}
            className={`verdict verdict-${v.verdict}`}
            aria-pressed={verdict === v.verdict}
            aria-keyshortcuts={v.key}
            {...refused(refusal)}
            onClick={() => onVerdict(v.verdict)}
          >
            {v.label} <kbd>{keyLabel(v.key)}</kbd>
          </button>
        ))}
      </div>
      <div className="categories" role="group" aria-label="Failure categories">
        {FAILURE_CATEGORIES.map((c) => (
          <button
            key={c.id}
            className="category"
            aria-pressed={categories.includes(c.id)}
            aria-keyshortcuts={c.key}
            {...refused(refusal, false, c.hint)}
            onClick={() => onCategory(c.id)}
          >
            <kbd>{c.key}</kbd> {c.label}
          </button>
        ))}
      </div>
      <NotesField initial={annotation?.note ?? ''} onChange={onNote} refusal={refusal} />
      <div className="navigation" role="group" aria-label="Move between calls">
        {NAVIGATION_IN_ORDER.map((n) => (
          <button
            key={n.direction}
            aria-keyshortcuts={n.keys.join(' ')}
            disabled={n.direction === 'next' ? !canNext : !canPrevious}
            onClick={() => onNavigate(n.direction)}
          >
            {n.label}{' '}
            {n.keys.map((k) => (
              <kbd key={k}>{keyLabel(k)}</kbd>
            ))}
          </button>
        ))}
      </div>
      <SaveStatus save={save} />
    </section>
  );
}

/**
 * Every change goes to the core as it is typed (the saver keeps one request in flight and sends
 * the newest text next), so a crash a moment later loses nothing typed before the last request.
 * Escape leaves the field, giving the keys back to the shortcuts.
 */
function NotesField({ initial, onChange, refusal }: { initial: string; onChange: (note: string) => void; refusal: string | null }) {
  const [draft, setDraft] = useState(initial);
  // Another reviewer's note on this call shows as it is saved, unless this field is being typed in.
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (document.activeElement !== field.current) setDraft(initial);
  }, [initial]);
  return (
    <label className="notes">
      Notes <span className="muted hint">(saved as you type · Esc leaves the field)</span>
      <textarea
        ref={field}
        {...refused(refusal)}
        value={draft}
        maxLength={NOTE_MAX_CHARS}
        rows={4}
        onChange={(e) => {
          setDraft(e.target.value);
          onChange(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
      />
    </label>
  );
}

function SaveStatus({ save }: { save: SaveState }) {
  const text =
    save.kind === 'idle'
      ? 'Every change is saved at once.'
      : save.kind === 'saving'
        ? 'Saving…'
        : save.kind === 'saved'
          ? `Saved at ${formatTime(save.at, 'clock', true)}`
          : `Not saved: ${save.message}`;
  return (
    <p
      role="status"
      aria-label="Save status"
      className={`save-status save-${save.kind}`}
      title={save.kind === 'saved' ? formatUtc(save.at) : undefined}
    >
      {text}
    </p>
  );
}
