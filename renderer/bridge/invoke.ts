import type { BridgeChannel, BridgeRequest, BridgeResponse, ConsoleBridge } from '../../shared/bridge.js';

/**
 * The renderer's one way to the console core. The bridge is picked once at start (the desktop
 * preload's or the web host's) and held here rather than in the store, where every state change
 * would carry it along.
 */
let bridge: ConsoleBridge | null = null;

export function setBridge(picked: ConsoleBridge): void {
  bridge = picked;
}

export function invoke<C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C>> {
  if (!bridge) return Promise.reject(new Error('not connected to the console core'));
  return bridge.invoke(channel, request);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
