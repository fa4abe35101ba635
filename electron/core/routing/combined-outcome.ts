import type { ActionApplied, ActionOutcome, ActionStatus } from '../../../shared/actions.js';
import { ACTION_STATUS_TEXT, actionLabel } from '../../../shared/action-text.js';

/**
 * One confirm's outcome when it carried out several actions: "Verified" only when every part was
 * read back in place, and the text names the part that held and the part that did not, so an
 * operator never takes half a change for the whole.
 */
export function combinedOutcome(parts: readonly ActionOutcome[]): ActionOutcome {
  const [first] = parts;
  if (!first) throw new Error('combinedOutcome: no parts');
  const held = parts.filter((p) => p.status === 'verified');
  const notHeld = parts.filter((p) => p.status !== 'verified');
  const names = (ps: readonly ActionOutcome[]) => ps.map((p) => actionLabel(p.request)).join(' and ');
  const lead =
    notHeld.length === 0
      ? `Both held: ${names(held)}`
      : held.length === 0
        ? `Neither held: ${names(notHeld)}`
        : `${names(held)} held; ${names(notHeld)} did NOT`;
  const details = parts.map((p) => `${actionLabel(p.request)}: ${p.background ? 'no verdict yet' : ACTION_STATUS_TEXT[p.status]}. ${p.knownText}`);
  const last = parts[parts.length - 1] ?? first;
  const outcome: ActionOutcome = {
    intentId: first.intentId,
    idempotencyKey: first.idempotencyKey,
    request: first.request,
    status: worstStatus(parts.map((p) => p.status)),
    sent: parts.some((p) => p.sent),
    applied: appliedOfAll(parts.map((p) => p.applied)),
    attempts: parts.reduce((n, p) => n + p.attempts, 0),
    elapsedMs: parts.reduce((n, p) => n + p.elapsedMs, 0),
    knownText: `${lead}. ${details.join(' ')}`,
    runbook: [...new Set(notHeld.flatMap((p) => p.runbook))],
    parts: parts.map(({ parts: _nested, ...part }) => part),
  };
  if (last.readBack) outcome.readBack = last.readBack;
  if (notHeld.some((p) => p.background)) outcome.background = true;
  const error = notHeld.find((p) => p.error !== undefined)?.error;
  if (error !== undefined) outcome.error = error;
  return outcome;
}

function worstStatus(statuses: readonly ActionStatus[]): ActionStatus {
  if (statuses.every((s) => s === 'verified')) return 'verified';
  if (statuses.every((s) => s === 'failed')) return 'failed';
  return 'unverified';
}

function appliedOfAll(applied: readonly ActionApplied[]): ActionApplied {
  if (applied.every((a) => a === 'yes')) return 'yes';
  if (applied.every((a) => a === 'no')) return 'no';
  return 'unknown';
}
