import type { RoutingActionRequest } from '../../../shared/protocol.js';

/** The action as its button names it, for notifications and the recovery note. */
export function actionLabel(req: RoutingActionRequest): string {
  switch (req.action) {
    case 'stop_all':
      return 'Stop all';
    case 'pause_ramp':
      return 'Pause ramp';
    case 'resume':
      return 'Resume';
    case 'rollback':
      return 'Roll back';
    case 'set_share':
      return `Set agent share to ${req.share ?? '?'}%`;
    case 'route_fallback':
      return req.intents && req.intents.length > 0 ? `Route ${req.intents.join(', ')} to fallback` : 'Route all intents to fallback';
  }
}
