import { useState } from 'react';
import type { CallRecord } from '../../../shared/protocol.js';
import { PII_KIND_LABELS } from '../../../shared/pii-kinds.js';
import { FAILURE_SIGNALS, failureSignals } from '../../../shared/sampling.js';
import { Time } from '../common/Time.js';
import { callOffset } from './call-offset.js';
import { refused, useRefusal } from '../team/use-refusal.js';

/** What the record says about the call as a whole: who, when, how it ended, and what went wrong. */
export function CallDetails({
  call,
  position,
  maskedItems,
  revealed,
  revealError,
  onReveal,
}: {
  call: CallRecord;
  position: string;
  /** Undefined when the masker has not looked at this call. */
  maskedItems: number | undefined;
  revealed: boolean;
  revealError: string | null;
  onReveal: () => void;
}) {
  const started = Date.parse(call.startedAt);
  const signals = failureSignals(call);
  const { safety, escalation } = call;
  return (
    <section className="panel call-details" aria-label="Call details">
      <div className="call-title">
        <h2>{position}</h2>
        <strong>{call.intent}</strong>
        <span className={`badge outcome-${call.outcome}`}>{call.outcome}</span>
        <span className="muted">
          route {call.route} · agent {call.agentVersion} · <Time ms={started} /> · {callOffset(Date.parse(call.endedAt) - started)} long
        </span>
      </div>
      <dl className="call-facts">
        <dt>Failure signals</dt>
        <dd aria-label="Failure signals">
          {signals.length === 0 ? <span className="muted">none</span> : signals.map((s) => <span key={s} className="badge bad">{FAILURE_SIGNALS[s]}</span>)}
        </dd>
        <dt>Safety flags</dt>
        <dd aria-label="Safety flags">
          <span className={safety.pii > 0 ? 'badge bad' : 'muted'}>PII {safety.pii}</span>{' '}
          <span className={safety.policy > 0 ? 'badge bad' : 'muted'}>policy {safety.policy}</span>{' '}
          <span className={safety.injection > 0 ? 'badge bad' : 'muted'}>injection {safety.injection}</span>
        </dd>
        {escalation && (
          <>
            <dt>Escalation</dt>
            <dd>
              {escalation.requested ? 'requested' : 'not requested'} · {escalation.transferred ? 'transferred' : 'not transferred'} ·{' '}
              <span className={escalation.contextPreserved ? undefined : 'warn-text'}>
                context {escalation.contextPreserved ? 'preserved' : 'lost'}
              </span>
            </dd>
          </>
        )}
        {call.errors.length > 0 && (
          <>
            <dt>Errors</dt>
            <dd>
              <ul className="call-errors" aria-label="Errors">
                {call.errors.map((e, i) => (
                  <li key={i}>
                    <span className="badge bad">{e.kind}</span> {e.message}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      <PiiControl maskedItems={maskedItems} revealed={revealed} onReveal={onReveal} />
      {revealError && (
        <p role="alert" className="form-error">
          Cannot reveal: {revealError}
        </p>
      )}
    </section>
  );
}

/** Personal data stays masked until the reviewer asks twice, knowing the reveal is logged under their name. */
const LOOKED_FOR = Object.values(PII_KIND_LABELS).join(', ');

function PiiControl({ maskedItems, revealed, onReveal }: { maskedItems: number | undefined; revealed: boolean; onReveal: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const refusal = useRefusal('sampling:reveal');
  if (revealed) {
    return (
      <p className="pii-note pii-revealed" role="status">
        Personal data shown for this call (recorded in the audit log). It is masked again when you move to another call.
      </p>
    );
  }
  if (maskedItems === undefined) return <p className="pii-note warn-text">This call's text has not been checked for personal data.</p>;
  if (maskedItems === 0) {
    return (
      <p className="pii-note muted" title="Names and street addresses are not looked for">
        The masker checked this call's text and found none of: {LOOKED_FOR}.
      </p>
    );
  }
  return (
    <div className="pii-note">
      <span>
        {maskedItems} personal data item{maskedItems === 1 ? '' : 's'} masked.
      </span>
      {confirming ? (
        <>
          <span className="warn-text">The reveal is written to the audit log under your name.</span>
          <button
            className="danger"
            onClick={() => {
              setConfirming(false);
              onReveal();
            }}
          >
            Reveal for this call
          </button>
          <button onClick={() => setConfirming(false)}>Cancel</button>
        </>
      ) : (
        <button {...refused(refusal)} onClick={() => setConfirming(true)}>
          Reveal personal data
        </button>
      )}
    </div>
  );
}
