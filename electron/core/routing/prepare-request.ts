import type { ProviderCapabilities } from '../../../shared/actions.js';
import { ACTION_TITLES, isIntentScoped, listOfIntents } from '../../../shared/action-text.js';
import type { RoutingActionName, RoutingActionRequest } from '../../../shared/protocol.js';

/** What the operator asked for in the confirm, before the core checks it against the provider. */
export interface ActionAsked {
  action: RoutingActionName;
  intents?: string[];
  share?: number;
  /** Pause the ramp in the same confirm, after routing the intents. */
  pauseRamp?: boolean;
}

/**
 * The provider requests one confirm stands for, in the order they are sent: the route first, as
 * it is what stops the harm, then the pause. Refuses, with the field and the reason, anything the
 * provider cannot do, so nothing is offered as if it worked.
 */
export function requestsFor(asked: ActionAsked, operator: string, knownIntents: readonly string[], caps: ProviderCapabilities): RoutingActionRequest[] {
  const cannot = (action: RoutingActionName) =>
    new Error(`action: ${caps.name} cannot "${ACTION_TITLES[action]}"; use the runbook's manual steps instead`);
  if (!caps.actions.includes(asked.action)) throw cannot(asked.action);
  const request: RoutingActionRequest = { action: asked.action, operator };
  if (asked.share !== undefined) {
    if (asked.action !== 'set_share') throw new Error(`share: only "set_share" takes a share, not "${asked.action}"`);
    request.share = asked.share;
  }
  if (asked.intents !== undefined && asked.intents.length > 0) {
    if (!isIntentScoped(asked.action)) throw new Error(`intents: only routes to fallback or to humans take intents, not "${asked.action}"`);
    if (!caps.intentScoped) {
      throw new Error(
        `intents: ${caps.name} cannot route ${listOfIntents(asked.intents)} alone: it does not know a call's intent when the call arrives. Route every intent, or use the runbook's manual steps`,
      );
    }
    const unknown = asked.intents.find((i) => !knownIntents.includes(i));
    if (unknown !== undefined) throw new Error(`intents: unknown intent "${unknown}" (known: ${knownIntents.join(', ')})`);
    request.intents = [...new Set(asked.intents)];
  }
  if (!asked.pauseRamp) return [request];
  if (!isIntentScoped(asked.action)) throw new Error(`pauseRamp: goes with a route to fallback or to humans, not "${asked.action}"`);
  if (!caps.actions.includes('pause_ramp')) throw cannot('pause_ramp');
  return [request, { action: 'pause_ramp', operator }];
}
