import type { ConsoleBridge } from '../../shared/bridge.js';
import { createWsBridge } from './ws-bridge.js';

declare global {
  interface Window {
    launchConsole?: ConsoleBridge;
  }
}

/** The desktop preload's bridge when present, else the web host's; the renderer knows no more. */
export function pickBridge(onRefused: (reason: string) => void): ConsoleBridge | { error: string } {
  if (window.launchConsole) return window.launchConsole;
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) return { error: 'No console token in the address. Open the full address the console printed.' };
  return createWsBridge(token, onRefused);
}
