import type { ConsoleBridge } from '../../shared/bridge.js';
import { createWsBridge } from './ws-bridge.js';

declare global {
  interface Window {
    launchConsole?: ConsoleBridge;
  }
}

const TOKEN_KEY = 'launch-console-token';

/**
 * The web host's token arrives in the address's fragment (never sent to a server). It is moved
 * to this tab's session storage at once and the address bar cleaned, so it does not linger in
 * history, a bookmark, a screen share or a copied link; a reload in the same tab still works.
 */
function takeToken(): string | null {
  const fromAddress = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromAddress) {
    sessionStorage.setItem(TOKEN_KEY, fromAddress);
    history.replaceState(history.state, '', location.pathname + location.search);
    return fromAddress;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The desktop preload's bridge when present, else the web host's; the renderer knows no more. */
export function pickBridge(onRefused: (reason: string) => void): ConsoleBridge | { error: string } {
  if (window.launchConsole) return window.launchConsole;
  const token = takeToken();
  if (!token) return { error: 'No console token in the address. Open the full address the console printed.' };
  return createWsBridge(token, (reason) => {
    // A refused token is from an earlier start of the host: forget it so the printed address is used.
    sessionStorage.removeItem(TOKEN_KEY);
    onRefused(reason);
  });
}
