import type { EffectText } from '../../../shared/actions.js';
import type { RoutingActionRequest, RoutingState } from '../../../shared/protocol.js';

/**
 * What an action will do, in words shown before the confirm. A routing change affects new
 * calls only; calls already connected finish where they are, and the text says so.
 */
export function describeEffect(req: RoutingActionRequest, state: RoutingState | null, inProgress: number | null): EffectText {
  switch (req.action) {
    case 'stop_all':
      return {
        title: 'Stop all agent traffic',
        newCalls: 'New calls go to human agents',
        inProgress: finishWith(inProgress, 'with the agent'),
      };
    case 'pause_ramp':
      return {
        title: 'Pause the ramp',
        newCalls: state
          ? `The agent keeps taking ${state.agentShare}% of new calls; the share stops increasing`
          : 'The agent keeps its current share of new calls; the share stops increasing',
        inProgress: unaffected(inProgress),
      };
    case 'route_fallback': {
      const intents = req.intents ?? [];
      const all = intents.length === 0 || (state !== null && coversAll(intents, state));
      return {
        title: all ? 'Route all intents to fallback' : `Route ${listOf(intents)} to fallback`,
        newCalls: all
          ? 'All new calls go to the fallback flow'
          : `New ${listOf(intents)} calls go to the fallback flow; other intents are unchanged`,
        inProgress: finishWith(inProgress, 'with the agent'),
      };
    }
    case 'rollback': {
      const from = state?.agentVersion;
      const to = state?.previousVersion;
      return {
        title: to ? `Roll back to ${to}` : 'Roll back to the previous agent version',
        newCalls:
          to && from
            ? `New calls are handled by ${to} instead of ${from}`
            : 'New calls are handled by the previous agent version',
        inProgress: finishWith(inProgress, from ? `on ${from}` : 'on the current version'),
      };
    }
    case 'resume':
      return {
        title: 'Resume agent traffic',
        newCalls: state
          ? `Every intent goes back to the agent, which takes ${state.agentShare}% of new calls`
          : 'Every intent goes back to the agent at its current share of new calls',
        inProgress: keepRoute(inProgress),
      };
    case 'set_share': {
      const share = req.share ?? 0;
      return {
        title: `Set the agent's share to ${share}%`,
        newCalls: state
          ? `The agent takes ${share}% of new calls (now ${state.agentShare}%)`
          : `The agent takes ${share}% of new calls`,
        inProgress: keepRoute(inProgress),
      };
    }
  }
}

function callsInProgress(n: number): string {
  return n === 1 ? '1 call in progress' : `${n} calls in progress`;
}

function finishWith(n: number | null, where: string): string {
  if (n === null || !Number.isFinite(n) || n < 0) return `Calls already in progress (number unknown) finish ${where}`;
  if (n === 0) return 'No calls in progress right now';
  return `${callsInProgress(n)} ${n === 1 ? 'finishes' : 'finish'} ${where}`;
}

function keepRoute(n: number | null): string {
  if (n === null || !Number.isFinite(n) || n < 0) return 'Calls already in progress (number unknown) keep their current route';
  if (n === 0) return 'No calls in progress right now';
  return `${callsInProgress(n)} ${n === 1 ? 'keeps its' : 'keep their'} current route`;
}

function unaffected(n: number | null): string {
  if (n === null || !Number.isFinite(n) || n < 0) return 'Calls already in progress (number unknown) are not affected';
  if (n === 0) return 'No calls in progress right now';
  return `${callsInProgress(n)} ${n === 1 ? 'is' : 'are'} not affected`;
}

function coversAll(intents: string[], state: RoutingState): boolean {
  const names = Object.keys(state.intents);
  return names.length > 0 && names.every((n) => intents.includes(n));
}

function listOf(intents: string[]): string {
  const words = intents.map((i) => i.replace(/_/g, ' '));
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
