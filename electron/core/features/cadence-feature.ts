import type { CadenceView } from '../../../shared/console-state.js';
import type { ShiftOwner } from '../../../shared/cadence.js';
import type { CallRecord } from '../../../shared/protocol.js';
import type { ConsoleContext, Feature, Handlers, Tick } from './feature.js';

export type CadenceChannels =
  | 'operator:set-shift-owner'
  | 'cadence:set-t0'
  | 'review:open'
  | 'review:check'
  | 'review:complete'
  | 'known-issue:upsert';

/** The first 48 hours: launch clock, review schedule and timers, reviews, known issues, shifts. */
export class CadenceFeature implements Feature {
  readonly handlers: Pick<Handlers, CadenceChannels>;

  constructor(private readonly ctx: ConsoleContext) {
    const todo = () => {
      throw new Error('the review cadence is being built');
    };
    this.handlers = {
      'operator:set-shift-owner': todo,
      'cadence:set-t0': todo,
      'review:open': todo,
      'review:check': todo,
      'review:complete': todo,
      'known-issue:upsert': todo,
    };
  }

  currentOwner(): ShiftOwner | null {
    return null;
  }

  view(): CadenceView {
    return { clock: null, reviews: [], nextReviewId: null, knownIssues: [], shiftHistory: [] };
  }

  onCall(_call: CallRecord): void {}

  tick(_tick: Tick): void {}
}
