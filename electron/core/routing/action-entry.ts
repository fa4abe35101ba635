import type { ActionOutcome } from '../../../shared/actions.js';
import type { AuditAppend } from '../../../shared/audit.js';
import { actionLabel } from '../../../shared/action-text.js';

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
