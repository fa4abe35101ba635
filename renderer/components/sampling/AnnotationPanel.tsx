import { useCallback, useEffect, useRef, useState } from 'react';
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
import { formatClock } from './time.js';

export type AnnotationChange = Partial<Pick<Annotation, 'verdict' | 'categories' | 'note'>>;
export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: number } | { kind: 'error'; message: string };

/** Pause in typing after which a note is saved; leaving the field saves at once. */
const NOTE_SAVE_DELAY_MS = 600;

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
}: {
  annotation: Annotation | undefined;
  save: SaveState;
  onVerdict: (v: Verdict) => void;
  onCategory: (c: FailureCategory) => void;
  onNote: (note: string) => void;
  onNavigate: (d: NavigationDirection) => void;
  canPrevious: boolean;
  canNext: boolean;
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
            title={c.hint}
            onClick={() => onCategory(c.id)}
          >
            <kbd>{c.key}</kbd> {c.label}
          </button>
        ))}
      </div>
      <NotesField initial={annotation?.note ?? ''} onSave={onNote} />
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
 * Saved after a pause in typing and when the field is left, so nothing typed waits on a button.
 * Escape leaves the field, giving the keys back to the shortcuts.
 */
function NotesField({ initial, onSave }: { initial: string; onSave: (note: string) => void }) {
  const [draft, setDraft] = useState(initial);
  const latest = useRef({ draft: initial, saved: initial, onSave });
  latest.current.onSave = onSave;

  const flush = useCallback(() => {
    const l = latest.current;
    if (l.draft === l.saved) return;
    l.saved = l.draft;
    l.onSave(l.draft);
  }, []);
  useEffect(() => {
    const timer = setTimeout(flush, NOTE_SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, flush]);
  // Moving to another call unmounts the field: what was typed is saved, not dropped.
  useEffect(() => flush, [flush]);

  return (
    <label className="notes">
      Notes <span className="muted hint">(saved as you type · Esc leaves the field)</span>
      <textarea
        value={draft}
        maxLength={NOTE_MAX_CHARS}
        rows={4}
        onChange={(e) => {
          latest.current.draft = e.target.value;
          setDraft(e.target.value);
        }}
        onBlur={flush}
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
          ? `Saved at ${formatClock(save.at)}`
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
