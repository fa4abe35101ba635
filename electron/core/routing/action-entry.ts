import type { ActionIntent, ActionOutcome } from '../../../shared/actions.js';
import type { AuditAppend } from '../../../shared/audit.js';
import { ACTION_STATUS_TEXT, actionLabel } from '../../../shared/action-text.js';

export interface ActionAuditContext {
  /** The figures on screen when the operator confirmed, by KPI id. */
  figures?: Record<string, number | null>;
  /** Why the action was taken when not typed by the operator, e.g. the alert that recommended it. */
  trigger?: string;
}

/** The audit record of one routing action: the decision (who, why, what was on screen) and the result. */
export function actionAuditEntry(outcome: ActionOutcome, context: ActionAuditContext = {}): AuditAppend {
  const req = outcome.request;
  const why = req.reason ? ` (reason: ${req.reason})` : '';
  const data: Record<string, unknown> = {
    intentId: outcome.intentId,
    idempotencyKey: outcome.idempotencyKey,
    request: req,
    status: outcome.status,
    applied: outcome.applied,
    sent: outcome.sent,
    attempts: outcome.attempts,
    elapsedMs: outcome.elapsedMs,
    knownText: outcome.knownText,
    providerReply: outcome.providerReply ?? null,
    readBack: outcome.readBack ?? null,
    error: outcome.error ?? null,
    figures: context.figures ?? null,
    trigger: context.trigger ?? null,
  };
  return {
    type: 'action',
    operator: req.operator,
    summary: `${actionLabel(req)}${why}: ${outcome.status}. ${outcome.knownText}`,
    data,
  };
}

export interface JoinedContext {
  /** The label of everything the confirm stands for ("Route X to fallback, then Pause ramp"). */
  label: string;
  /** The intent id and operator of the confirm that was sent. */
  joinedIntentId: string;
  joinedOperator: string;
}

/**
 * The audit record of a confirm that sent nothing because the same decision was already taken:
 * its operator, reason and routing as seen, the confirm it joined, and the outcome it was told.
 * Its status is "joined", so nobody counts it as a second action on the provider.
 */
export function joinedAuditEntry(mine: ActionIntent, outcome: ActionOutcome, context: JoinedContext): AuditAppend {
  const req = mine.req;
  const why = req.reason ? ` (reason: ${req.reason})` : '';
  const first = context.joinedOperator;
  const together = req.operator === first ? `${first} confirmed it twice at the same time` : `${req.operator} confirmed it at the same time as ${first}`;
  const told = outcome.background ? 'no verdict yet, the console is still trying' : ACTION_STATUS_TEXT[outcome.status];
  return {
    type: 'action',
    operator: req.operator,
    summary: `${context.label}${why}: joined. ${together}, on the same routing state; it was sent once, on ${first}'s confirm, and ${req.operator} sees its outcome: ${told}.`,
    data: {
      intentId: mine.id,
      joinedIntentId: context.joinedIntentId,
      joinedOperator: first,
      request: req,
      status: 'joined',
      sent: false,
      outcomeStatus: outcome.status,
      applied: outcome.applied,
      background: outcome.background ?? false,
      knownText: outcome.knownText,
      readBack: outcome.readBack ?? null,
      routingBefore: mine.before ?? null,
      trigger: null,
    },
  };
}
