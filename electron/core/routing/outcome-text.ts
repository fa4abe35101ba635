import type { ActionApplied, ActionStatus } from '../../../shared/actions.js';

/** What the executor learned while sending one action and reading the state back. */
export interface OutcomeFacts {
  attempts: number;
  /** Attempts that may have reached the provider (not refused at connect). */
  sentAttempts: number;
  gotReply: boolean;
  /** A 4xx answer: the provider received the request and refused it. */
  rejection?: string;
  readBack: 'holds' | 'differs' | 'failed' | 'skipped';
  elapsedMs: number;
}

export interface OutcomeVerdict {
  status: ActionStatus;
  applied: ActionApplied;
  knownText: string;
}

/** The status, and what is known, in plain words. Only a read-back showing the change is 'verified'. */
export function judgeOutcome(f: OutcomeFacts): OutcomeVerdict {
  const ms = `${Math.round(f.elapsedMs)} ms`;
  if (f.readBack === 'holds') {
    const note = f.gotReply
      ? f.attempts > 1
        ? ` (sent ${f.attempts} times with one idempotency key)`
        : ''
      : ` (the provider's reply was lost; sent ${times(f.sentAttempts)} with one idempotency key)`;
    return { status: 'verified', applied: 'yes', knownText: `Applied, verified by read-back in ${ms}${note}` };
  }
  if (f.rejection !== undefined) {
    return { status: 'failed', applied: 'no', knownText: `Not applied: ${f.rejection}` };
  }
  if (f.sentAttempts === 0) {
    return {
      status: 'failed',
      applied: 'no',
      knownText: `Not sent: the routing provider refused the connection ${times(f.attempts)}; nothing was changed`,
    };
  }
  if (f.gotReply) {
    return f.readBack === 'differs'
      ? {
          status: 'unverified',
          applied: 'unknown',
          knownText: 'The provider accepted the change, but read-back shows a different state: NOT verified',
        }
      : {
          status: 'unverified',
          applied: 'yes',
          knownText: 'The provider accepted the change, but read-back failed: NOT verified',
        };
  }
  if (f.readBack === 'differs') {
    return {
      status: 'unverified',
      applied: 'no',
      knownText: `Sent ${times(f.sentAttempts)}, no reply; read-back shows the change is NOT applied (a delayed request can still apply it, once)`,
    };
  }
  return {
    status: 'unverified',
    applied: 'unknown',
    knownText: `Sent ${times(f.sentAttempts)}, no reply, and read-back failed: whether the change is applied is unknown`,
  };
}

/** What the read-back after a restart says about an action confirmed before it. */
export type RestartCheck = 'holds' | 'not-applied' | 'unknown';

/** An action confirmed before a restart and settled without sending it again. */
export function notResentOutcome(check: RestartCheck, decidedBy: string | null): OutcomeVerdict {
  if (check === 'holds') {
    return {
      status: 'verified',
      applied: 'yes',
      knownText: 'Confirmed before the console restarted; read-back after the restart shows the change in place',
    };
  }
  const who = decidedBy === null ? 'nobody confirmed it again' : `${decidedBy} chose not to send it again`;
  return check === 'not-applied'
    ? { status: 'failed', applied: 'no', knownText: `Not re-sent after the restart (${who}); read-back shows the change is NOT in place` }
    : {
        status: 'unverified',
        applied: 'unknown',
        knownText: `Not re-sent after the restart (${who}), and read-back failed: whether the change is in place is unknown`,
      };
}

/** How long the operator was left without a verdict, and what the console is still doing. */
export function backgroundText(deadlineMs: number, step: string): string {
  return `No verdict within ${deadlineMs / 1000} s: the provider is slow or unreachable. Still trying in the background (${step}) with the same idempotency key, so it applies at most once; the result will show under Last action and in the audit log.`;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}
