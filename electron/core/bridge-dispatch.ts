import { BRIDGE_REQUESTS, isBridgeChannel, type BridgeChannel, type BridgeResponses } from '../../shared/bridge.js';
import { describeZodError } from '../../shared/protocol.js';
import type { ConsoleService } from './console-service.js';

export class BridgeRequestError extends Error {}

type Handlers = { [C in BridgeChannel]: (request: unknown) => Promise<BridgeResponses[C]> | BridgeResponses[C] };

/**
 * The single place a bridge call becomes a core call, used by both hosts, so no feature can
 * exist in one host only. Unknown channels and malformed requests are refused with a message
 * naming what was wrong.
 */
export function createBridgeDispatcher(service: ConsoleService) {
  const handlers: Handlers = {
    'console:snapshot': () => service.snapshot(),
  };

  return async function dispatch(channel: unknown, request: unknown): Promise<unknown> {
    if (!isBridgeChannel(channel)) throw new BridgeRequestError(`unknown bridge channel ${JSON.stringify(channel)}`);
    const parsed = BRIDGE_REQUESTS[channel].safeParse(request ?? {});
    if (!parsed.success) throw new BridgeRequestError(`${channel}: ${describeZodError(parsed.error)}`);
    return handlers[channel](parsed.data);
  };
}
export type BridgeDispatch = ReturnType<typeof createBridgeDispatcher>;
