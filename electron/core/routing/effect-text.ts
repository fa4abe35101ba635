import type { EffectText, InProgressEstimate } from '../../../shared/actions.js';
import { isIntentScoped, listOfIntents } from '../../../shared/action-text.js';
import { formatDuration } from '../../../shared/format.js';
import type { RoutingActionRequest, RoutingState } from '../../../shared/protocol.js';

/**
 * What an action will do, in words shown before the confirm. A routing change affects new
 * calls only; calls already connected finish where they are, and the text says so, with the
 * number of them worded as the estimate it is.
 */
export function describeEffect(
  req: RoutingActionRequest,
  state: RoutingState | null,
  inProgress: InProgressEstimate | null,
): EffectText {
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
      const some = intentsTouched(req, state);
      return {
        title: some ? `Route ${listOfIntents(some)} to fallback` : 'Route all intents to fallback',
        newCalls: some
          ? `New ${listOfIntents(some)} calls go to the fallback flow; other intents are unchanged`
          : 'All new calls go to the fallback flow',
        inProgress: finishWith(inProgress, 'with the agent'),
      };
    }
    case 'route_human': {
      const some = intentsTouched(req, state);
      return {
        title: some ? `Send ${listOfIntents(some)} calls to humans` : 'Send all intents to humans',
        newCalls: some
          ? `New ${listOfIntents(some)} calls go straight to the human line; other intents are unchanged`
          : 'All new calls go straight to the human line',
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

/** "about 136 calls", "about 1 order status call": an estimate is never stated as a count. */
function aboutCalls(e: InProgressEstimate): string {
  const kind = e.intents ? `${listOfIntents(e.intents)} ` : '';
  return `About ${e.calls} ${kind}${e.calls === 1 ? 'call' : 'calls'} in progress`;
}

function basisOf(e: InProgressEstimate): string {
  const stale = e.staleForMs === null ? '' : `STALE, as of ${formatDuration(e.staleForMs)} ago when the stream was last live; `;
  return ` (${stale}${e.basis})`;
}

function inProgressText(e: InProgressEstimate | null, unknown: string, verbs: [one: string, many: string]): string {
  if (e === null) return `Calls already in progress (number unknown) ${unknown}`;
  if (e.calls === 0) return `Probably no ${e.intents ? `${listOfIntents(e.intents)} ` : ''}calls in progress right now${basisOf(e)}`;
  return `${aboutCalls(e)} ${e.calls === 1 ? verbs[0] : verbs[1]}${basisOf(e)}`;
}

function finishWith(e: InProgressEstimate | null, where: string): string {
  return inProgressText(e, `finish ${where}`, [`finishes ${where}`, `finish ${where}`]);
}

function keepRoute(e: InProgressEstimate | null): string {
  return inProgressText(e, 'keep their current route', ['keeps its current route', 'keep their current route']);
}

function unaffected(e: InProgressEstimate | null): string {
  return inProgressText(e, 'are not affected', ['is not affected', 'are not affected']);
}

function coversAll(intents: string[], state: RoutingState): boolean {
  const names = Object.keys(state.intents);
  return names.length > 0 && names.every((n) => intents.includes(n));
}

/** The intents whose calls in progress an action leaves where they are; null for all of them. */
export function intentsTouched(req: RoutingActionRequest, state: RoutingState | null): string[] | null {
  const intents = req.intents ?? [];
  if (!isIntentScoped(req.action) || intents.length === 0) return null;
  return state !== null && coversAll(intents, state) ? null : intents;
}

/** What one confirm of several actions does, part by part in the order they are sent. */
export function describeSteps(reqs: readonly RoutingActionRequest[], state: RoutingState | null, inProgress: InProgressEstimate | null): EffectText {
  const [first, ...rest] = reqs;
  if (!first) throw new Error('describeSteps: no action to describe');
  const effect = describeEffect(first, state, inProgress);
  const more = rest.map((r) => describeEffect(r, state, null));
  return {
    title: [effect.title, ...more.map((m) => m.title.charAt(0).toLowerCase() + m.title.slice(1))].join(' and '),
    newCalls: [effect.newCalls, ...more.map((m) => `Then: ${m.newCalls.charAt(0).toLowerCase()}${m.newCalls.slice(1)}`)].join('. '),
    inProgress: effect.inProgress,
  };
}
