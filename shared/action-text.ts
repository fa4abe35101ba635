import type { ActionStatus, ActionStep } from './actions.js';
import type { RoutingActionName } from './protocol.js';

/** How the emergency buttons, the outcome, notifications and the audit log name routing actions: one wording for all. */

/** Button labels, also the confirm's title until the core has described the effect. */
export const ACTION_TITLES: Record<RoutingActionName, string> = {
  stop_all: 'Stop all',
  pause_ramp: 'Pause ramp',
  route_fallback: 'Route to fallback',
  route_human: 'Send to humans',
  rollback: 'Roll back',
  resume: 'Resume',
  set_share: 'Set agent share',
};

/** An intent id as people say it: "order_status" is "order status". */
export function intentWords(intent: string): string {
  return intent.replace(/_/g, ' ');
}

/** "order status", "billing and order status", "a, b and c". */
export function listOfIntents(intents: readonly string[]): string {
  const words = intents.map(intentWords);
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The actions that can be aimed at some intents, leaving the others where they are. */
export const INTENT_SCOPED_ACTIONS: readonly RoutingActionName[] = ['route_fallback', 'route_human'];

export function isIntentScoped(action: RoutingActionName): boolean {
  return INTENT_SCOPED_ACTIONS.includes(action);
}

/** A requested action in words: "Route order status to fallback", "Set agent share to 25%". */
export function actionLabel(req: { action: RoutingActionName; intents?: readonly string[]; share?: number }): string {
  const some = req.intents && req.intents.length > 0 ? listOfIntents(req.intents) : null;
  if (req.action === 'route_fallback') return some ? `Route ${some} to fallback` : 'Route all intents to fallback';
  if (req.action === 'route_human') return some ? `Send ${some} calls to humans` : 'Send all intents to humans';
  if (req.action === 'set_share' && req.share !== undefined) return `Set agent share to ${req.share}%`;
  return ACTION_TITLES[req.action];
}

/** The label of an action name read from a record, which may predate the current action list. */
export function titleOfAction(action: string): string {
  return (ACTION_TITLES as Record<string, string | undefined>)[action] ?? action;
}

/** The result word: "Verified" only after the provider's state was read back. */
export const ACTION_STATUS_TEXT: Record<ActionStatus, string> = {
  verified: 'Verified',
  unverified: 'NOT VERIFIED',
  failed: 'FAILED',
};

/** Where an action in flight is, in words: the same in the confirm, the sidebar and a late verdict. */
export function actionStepText(step: ActionStep, attempt: number, maxAttempts: number): string {
  const of = `attempt ${Math.max(1, attempt)} of ${maxAttempts}`;
  switch (step) {
    case 'sending':
      return `sending, awaiting the provider's reply (${of})`;
    case 'retrying':
      return `no reply to ${of}; sending again shortly with the same key`;
    case 'reading-back':
      return `reading the routing state back from the provider (${of})`;
  }
}
