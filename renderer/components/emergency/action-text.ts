import type { RoutingActionName } from '../../../shared/protocol.js';

/** Button labels, also the confirm's title until the core has described the effect. */
export const ACTION_TITLES: Record<RoutingActionName, string> = {
  stop_all: 'Stop all',
  pause_ramp: 'Pause ramp',
  route_fallback: 'Route to fallback',
  rollback: 'Roll back',
  resume: 'Resume',
  set_share: 'Set agent share',
};

export function statusWord(status: 'verified' | 'unverified' | 'failed'): string {
  return status === 'verified' ? 'Verified' : status === 'failed' ? 'FAILED' : 'NOT VERIFIED';
}

/** An executed request in words: "Route order status to fallback", "Set agent share to 25%". */
export function requestTitle(req: { action: RoutingActionName; intents?: string[]; share?: number }): string {
  if (req.action === 'route_fallback' && req.intents && req.intents.length > 0) {
    return `Route ${req.intents.map((i) => i.replace(/_/g, ' ')).join(', ')} to fallback`;
  }
  if (req.action === 'set_share' && req.share !== undefined) return `Set agent share to ${req.share}%`;
  return ACTION_TITLES[req.action];
}

export function titleOfAction(action: string): string {
  return (ACTION_TITLES as Record<string, string | undefined>)[action] ?? action;
}
