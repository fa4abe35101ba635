import type { ActionOutcome } from '../../../shared/actions.js';
import { Time } from '../common/Time.js';
import { ACTION_STATUS_TEXT } from '../../../shared/action-text.js';

/**
 * An action's outcome in words. "Verified" appears only for a read-back that showed the change;
 * anything else says what is known and lists the manual steps for that kind of action, numbered,
 * to do it by hand.
 */
export function OutcomeText({ outcome, at, announce }: { outcome: ActionOutcome; at: number | null; announce: boolean }) {
  const verified = outcome.status === 'verified';
  return (
    <div
      className={`em-outcome ${verified ? 'em-outcome-ok' : 'em-outcome-bad'}`}
      role={announce && !verified ? 'alert' : 'status'}
      aria-label="Action outcome"
    >
      <strong className="em-outcome-word">
        {verified ? `Verified in ${Math.round(outcome.elapsedMs)} ms` : outcome.background ? 'No verdict yet' : ACTION_STATUS_TEXT[outcome.status]}
      </strong>
      {at !== null && (
        <span className="muted">
          {' '}
          at <Time ms={at} form="clock" seconds />
        </span>
      )}
      <p className="em-known">{outcome.knownText}</p>
      {!verified && outcome.error && <p className="muted em-error">{outcome.error}</p>}
      {outcome.runbook.length > 0 && (
        <>
          <p className="em-runbook-lead">
            {outcome.background ? 'If it cannot wait, do it by hand, in this order:' : 'Do it by hand, in this order:'}
          </p>
          <ol className="em-runbook" aria-label="Manual fallback steps">
            {outcome.runbook.map((step, i) => (
              <li key={i}>{step}</li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
