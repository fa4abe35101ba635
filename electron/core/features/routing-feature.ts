import type { ActionsView } from '../../../shared/console-state.js';
import type { RoutingActionRequest } from '../../../shared/protocol.js';
import type { ActionOutcome } from '../../../shared/actions.js';
import type { RoutingProvider } from '../routing/provider.js';
import type { ConsoleContext, Feature, Handlers, Tick } from './feature.js';

export type RoutingChannels = 'routing:prepare' | 'routing:execute' | 'routing:refresh' | 'audit:list' | 'audit:export';

/** Emergency controls: routing actions through the provider, recovery watch, the audit view. */
export class RoutingFeature implements Feature {
  readonly handlers: Pick<Handlers, RoutingChannels>;

  constructor(
    private readonly ctx: ConsoleContext,
    private readonly provider: RoutingProvider,
  ) {
    const todo = () => {
      throw new Error('routing actions are being built');
    };
    this.handlers = {
      'routing:prepare': todo,
      'routing:execute': todo,
      'routing:refresh': todo,
      'audit:list': todo,
      'audit:export': todo,
    };
  }

  /** Runs an action the console decided on its own (an alert's auto-act), stamped as such. */
  async executeAutomatic(_req: RoutingActionRequest): Promise<ActionOutcome> {
    throw new Error('routing actions are being built');
  }

  view(): ActionsView {
    return { inFlight: null, lastOutcome: null, recovery: null, inProgressEstimate: null };
  }

  tick(_tick: Tick): void {}
}
