import type { ConsoleBridge } from '../../shared/bridge.js';
import { createWsBridge, type LinkEvent } from './ws-bridge.js';

declare global {
  interface Window {
    launchConsole?: ConsoleBridge;
  }
}

const TOKEN_KEY = 'launch-console-token';

/**
 * How the page reached the core: the desktop preload, the single-desk web host by its per-start
 * token, or a console server by the session cookie its sign-in link set.
 */
export type BridgeMode = 'desktop' | 'token' | 'session';

export interface PickedBridge {
  bridge: ConsoleBridge;
  mode: BridgeMode;
}

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

/**
 * The desktop preload's bridge when present; else the web host's with the token from the address
 * or this tab's storage; else a console server's, which knows the page by its session cookie.
 * `onLink` hears how the socket stands (the desktop's link is always up and says nothing).
 */
export function pickBridge(onLink: (event: LinkEvent, mode: BridgeMode) => void): PickedBridge {
  if (window.launchConsole) return { bridge: window.launchConsole, mode: 'desktop' };
  const token = takeToken();
  const mode: BridgeMode = token ? 'token' : 'session';
  const bridge = createWsBridge({
    token,
    onLink: (event) => {
      // A refused token is from an earlier start of the host: forget it so the printed address is used.
      if (event.kind === 'refused' && token) sessionStorage.removeItem(TOKEN_KEY);
      onLink(event, mode);
    },
  });
  return { bridge, mode };
}
