import { z } from 'zod';
import type { BridgeChannel } from './bridge-channels.js';
import type { ConsoleSnapshot } from './console-state.js';

export { BRIDGE_CHANNELS, isBridgeChannel, SNAPSHOT_PUSH_CHANNEL, type BridgeChannel } from './bridge-channels.js';

/**
 * The one API the renderer sees. The Electron preload and the web host's WebSocket client both
 * implement `ConsoleBridge`; the main side validates every request against BRIDGE_REQUESTS,
 * which is also the allow-list of channels.
 */

export const BRIDGE_REQUESTS = {
  'console:snapshot': z.object({}).strict(),
} as const satisfies Record<BridgeChannel, z.ZodType>;

export interface BridgeResponses {
  'console:snapshot': ConsoleSnapshot;
}

export type BridgeRequest<C extends BridgeChannel> = z.infer<(typeof BRIDGE_REQUESTS)[C]>;
export type BridgeResponse<C extends BridgeChannel> = BridgeResponses[C];

export interface ConsoleBridge {
  invoke<C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C>>;
  onSnapshot(listener: (snapshot: ConsoleSnapshot) => void): () => void;
}

/** The web host's WebSocket frames. */
export const WsClientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string() }),
  z.object({ type: z.literal('invoke'), id: z.number().int(), channel: z.string(), request: z.unknown() }),
]);
export type WsClientFrame = z.infer<typeof WsClientFrameSchema>;

export type WsServerFrame =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'snapshot'; snapshot: ConsoleSnapshot };
