import type { SamplingView } from '../../../shared/console-state.js';
import type { CallRecord } from '../../../shared/protocol.js';
import type { ConsoleContext, Feature, Handlers } from './feature.js';

export type SamplingChannels =
  | 'sampling:start'
  | 'sampling:sessions'
  | 'sampling:session'
  | 'sampling:annotate'
  | 'sampling:reveal'
  | 'sampling:recording'
  | 'sampling:export';

/** Calls kept for sampling, sampling sessions, replay with recordings, annotation, exports. */
export class SamplingFeature implements Feature {
  readonly handlers: Pick<Handlers, SamplingChannels>;

  constructor(private readonly ctx: ConsoleContext) {
    const todo = () => {
      throw new Error('call sampling is being built');
    };
    this.handlers = {
      'sampling:start': todo,
      'sampling:sessions': todo,
      'sampling:session': todo,
      'sampling:annotate': todo,
      'sampling:reveal': todo,
      'sampling:recording': todo,
      'sampling:export': todo,
    };
  }

  view(): SamplingView {
    return { keptCalls: 0, sessions: 0 };
  }

  onCall(_call: CallRecord): void {}
}
