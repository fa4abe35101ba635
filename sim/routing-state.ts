import type { Route, RoutingActionRequest, RoutingState } from '../shared/protocol.js';

/**
 * The routing provider's state as a pure reducer over operator actions, and the per-call route
 * decision that state implies. Time is passed in, so tests replay any sequence instantly.
 */

export class RoutingActionError extends Error {
  constructor(
    /** 400 for a request that can never apply, 409 for one the current state refuses. */
    readonly status: 400 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'RoutingActionError';
  }
}

export interface InitialRouting {
  intents: readonly string[];
  agentShare: number;
  agentVersion: string;
  previousVersion: string | null;
  now: number;
}

function allIntents(intents: readonly string[], route: Route): Record<string, Route> {
  return Object.fromEntries(intents.map((i) => [i, route]));
}

export function initialRoutingState(init: InitialRouting): RoutingState {
  return {
    version: 0,
    mode: 'live',
    agentShare: init.agentShare,
    agentVersion: init.agentVersion,
    previousVersion: init.previousVersion,
    intents: allIntents(init.intents, 'agent'),
    updatedAt: new Date(init.now).toISOString(),
    updatedBy: 'system',
  };
}

/** The state after `req`; throws RoutingActionError naming the field when it cannot apply. */
export function applyRoutingAction(state: RoutingState, req: RoutingActionRequest, now: number): RoutingState {
  const known = Object.keys(state.intents);
  const changed = (patch: Partial<RoutingState>): RoutingState => ({
    ...state,
    ...patch,
    version: state.version + 1,
    updatedAt: new Date(now).toISOString(),
    updatedBy: req.operator,
  });

  switch (req.action) {
    case 'pause_ramp':
      return changed({ mode: 'paused' });
    case 'route_fallback':
    case 'route_human': {
      const route: Route = req.action === 'route_fallback' ? 'fallback' : 'human';
      const targets = req.intents && req.intents.length > 0 ? req.intents : known;
      const unknown = targets.find((i) => !known.includes(i));
      if (unknown !== undefined) {
        throw new RoutingActionError(400, `intents: unknown intent '${unknown}' (known: ${known.join(', ')})`);
      }
      const intents = { ...state.intents, ...allIntents(targets, route) };
      // "fallback" names a mode; intents with humans leave the mode alone, as stop_all is the way to stop.
      const everyIntent = route === 'fallback' && Object.values(intents).every((r) => r === 'fallback');
      return changed({ intents, mode: everyIntent ? 'fallback' : state.mode });
    }
    case 'stop_all':
      return changed({ mode: 'stopped', intents: allIntents(known, 'human') });
    case 'rollback':
      if (state.previousVersion === null) {
        throw new RoutingActionError(409, 'action: there is no previous version to roll back to');
      }
      return changed({
        mode: 'live',
        agentVersion: state.previousVersion,
        previousVersion: state.agentVersion,
        intents: allIntents(known, 'agent'),
      });
    case 'resume':
      return changed({ mode: 'live', intents: allIntents(known, 'agent') });
    case 'set_share':
      if (req.share === undefined) throw new RoutingActionError(400, 'share: required for set_share');
      return changed({ agentShare: req.share });
  }
}

/**
 * Where a new call goes. `roll` is a uniform draw in [0, 1) made for this call, so the share
 * split is reproducible from the seed.
 */
export function decideRoute(state: RoutingState, intent: string, roll: number): Route {
  if (state.mode === 'stopped') return 'human';
  const mapped = state.intents[intent] ?? 'agent';
  if (mapped !== 'agent') return mapped;
  return roll < state.agentShare / 100 ? 'agent' : 'human';
}
