import type { RoutingActionRequest, RoutingState } from '../../../shared/protocol.js';
import type { RoutingProvider } from './provider.js';

export interface AttemptListener {
  /** A POST with this idempotency key is about to go out. */
  sending(idempotencyKey: string): void;
  /** The provider answered that POST; the executor reads the state back next. */
  replied(idempotencyKey: string): void;
}

/**
 * The provider as the executor sees it, reporting each POST attempt on the way, so the confirm
 * can say "Sending… attempt 2" while the executor retries with one key.
 */
export class ObservedProvider implements RoutingProvider {
  constructor(
    private readonly inner: RoutingProvider,
    private readonly listener: AttemptListener,
  ) {}

  getState(signal?: AbortSignal): Promise<RoutingState> {
    return this.inner.getState(signal);
  }

  async applyAction(req: RoutingActionRequest, idempotencyKey: string, signal?: AbortSignal): Promise<RoutingState> {
    this.listener.sending(idempotencyKey);
    const state = await this.inner.applyAction(req, idempotencyKey, signal);
    this.listener.replied(idempotencyKey);
    return state;
  }
}
