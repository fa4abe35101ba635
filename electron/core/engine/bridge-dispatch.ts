import { BRIDGE_REQUESTS, isBridgeChannel, type BridgeChannel } from '../../../shared/bridge.js';
import { describeZodError } from '../../../shared/protocol.js';
import type { Handler, Handlers } from './feature.js';

export class BridgeRequestError extends Error {}

/**
 * The single place a bridge call becomes a core call, used by both hosts, so no feature can
 * exist in one host only. Unknown channels and malformed requests are refused with a message
 * naming what was wrong.
 */
export function createBridgeDispatcher(handlers: Handlers) {
  return async function dispatch(channel: unknown, request: unknown): Promise<unknown> {
    if (!isBridgeChannel(channel)) throw new BridgeRequestError(`unknown bridge channel ${JSON.stringify(channel)}`);
    const parsed = BRIDGE_REQUESTS[channel].safeParse(request ?? {});
    if (!parsed.success) throw new BridgeRequestError(`${channel}: ${describeZodError(parsed.error)}`);
    const handler = handlers[channel] as Handler<BridgeChannel>;
    return handler(parsed.data as never);
  };
}
export type BridgeDispatch = ReturnType<typeof createBridgeDispatcher>;
