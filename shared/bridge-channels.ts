/**
 * The allow-list of bridge channels, free of dependencies so the sandboxed preload can carry it.
 * shared/bridge.ts gives each channel its request schema and response type.
 */
export const BRIDGE_CHANNELS = ['console:snapshot'] as const;
export type BridgeChannel = (typeof BRIDGE_CHANNELS)[number];

export const SNAPSHOT_PUSH_CHANNEL = 'console:push-snapshot';

export function isBridgeChannel(value: unknown): value is BridgeChannel {
  return typeof value === 'string' && (BRIDGE_CHANNELS as readonly string[]).includes(value);
}
