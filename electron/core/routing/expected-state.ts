import type { RoutingActionRequest, RoutingState } from '../../../shared/protocol.js';

/**
 * What the provider's read-back must show for an action to count as applied. Only the part
 * the action is responsible for is checked, so an unrelated concurrent change does not hide it.
 */
export function expectedStateHolds(req: RoutingActionRequest, before: RoutingState | null, after: RoutingState): boolean {
  switch (req.action) {
    case 'stop_all':
      return after.mode === 'stopped';
    case 'pause_ramp':
      return after.mode === 'paused';
    case 'resume':
      return after.mode === 'live';
    case 'set_share':
      return req.share !== undefined && after.agentShare === req.share;
    case 'route_fallback':
    case 'route_human': {
      const route = req.action === 'route_fallback' ? 'fallback' : 'human';
      const intents = req.intents && req.intents.length > 0 ? req.intents : Object.keys(after.intents);
      return intents.length > 0 && intents.every((i) => after.intents[i] === route);
    }
    case 'rollback':
      // Without the version seen before, a rolled-back state looks like any other (rolling back
      // twice swaps back), so there is nothing to verify against: the executor fetches it first.
      if (!before) return false;
      // The previous version must be taking calls: a state on people or fallback proves no rollback.
      if (after.mode !== 'live' && after.mode !== 'paused') return false;
      return before.previousVersion !== null && after.agentVersion === before.previousVersion;
  }
}
