import type { ActionOutcome } from '../../../shared/actions.js';
import type { AlertsView } from '../../../shared/console-state.js';
import type { RoutingActionRequest } from '../../../shared/protocol.js';
import type { ConsoleContext, Feature, Handlers, Tick } from './feature.js';

export type AlertsChannels = 'alerts:acknowledge' | 'alerts:cancel-auto-act' | 'alerts:capture-baseline';

/** Alert rules evaluated on every tick, notifications, acknowledgements, auto-act countdowns. */
export class AlertsFeature implements Feature {
  readonly handlers: Pick<Handlers, AlertsChannels>;

  constructor(
    private readonly ctx: ConsoleContext,
    private readonly executeAutomatic: (req: RoutingActionRequest) => Promise<ActionOutcome>,
  ) {
    const todo = () => {
      throw new Error('alerts are being built');
    };
    this.handlers = { 'alerts:acknowledge': todo, 'alerts:cancel-auto-act': todo, 'alerts:capture-baseline': todo };
  }

  view(): AlertsView {
    return { alerts: [], log: [], countdowns: [], baselines: { values: {}, source: 'config' }, evaluatedAt: null };
  }

  tick(_tick: Tick): void {}
}
