import type { CallRecord } from '../../../shared/protocol.js';
import type { Annotation } from '../../../shared/sampling.js';

const MARKERS = { pass: '✓', fail: '✗', none: '·' } as const;

/** Lets a long intent name wrap at its underscores rather than mid-word in the narrow list. */
const breakable = (intent: string) => intent.replace(/_/g, '_\u200b');

/** The session's calls in the order they ended, each with its verdict so far. */
export function CallList({
  calls,
  annotations,
  index,
  onSelect,
}: {
  calls: CallRecord[];
  annotations: Record<string, Annotation>;
  index: number;
  onSelect: (index: number) => void;
}) {
  return (
    <nav className="panel call-list" aria-label="Calls in this session">
      <ol>
        {calls.map((c, i) => {
          const verdict = annotations[c.id]?.verdict ?? null;
          return (
            <li key={c.id}>
              <button
                className={`call-item verdict-${verdict ?? 'none'}`}
                aria-current={i === index ? 'true' : undefined}
                aria-label={`Call ${i + 1}: ${c.intent}, ${c.outcome}, ${verdict ? `verdict ${verdict}` : 'not annotated'}`}
                onClick={() => onSelect(i)}
              >
                <span className="marker" aria-hidden="true">
                  {MARKERS[verdict ?? 'none']}
                </span>
                <span className="call-item-n">{i + 1}</span>
                <span className="call-item-intent">{breakable(c.intent)}</span>
                <span className={`call-item-outcome outcome-${c.outcome}`}>{c.outcome}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
