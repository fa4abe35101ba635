import type { ConsoleBridge } from '../../shared/bridge.js';
import type { BridgeMode } from '../bridge/pick-bridge.js';
import type { LinkEvent } from '../bridge/ws-bridge.js';
import { invoke, setBridge } from '../bridge/invoke.js';
import { useConsole } from './store.js';

/** Hands the picked bridge to the invoke module and feeds its pushes into the store. */
export function connect(bridge: ConsoleBridge, mode: BridgeMode): void {
  setBridge(bridge);
  const state = useConsole.getState();
  // Snapshots arrive batched by the core (a few per second), so each one is a single set().
  bridge.onPush((push) => {
    if (push.kind === 'snapshot') state.receiveSnapshot(push.snapshot);
    else if (push.kind === 'notification') {
      state.addNotice({ id: push.id, title: push.title, body: push.body, severity: push.severity, at: Date.now() });
    } else if (push.kind === 'shortcut') {
      state.openEmergency({ action: 'stop_all', origin: 'emergency stop shortcut' });
    }
  });
  // A failed first read is harmless: the core pushes a snapshot on every tick anyway.
  void bridge.invoke('console:snapshot', {}).then(state.receiveSnapshot, () => undefined);
  reportScreenChanges();
  // The desktop's link is up from the start and never drops; a socket says when it is ready.
  if (mode === 'desktop') {
    state.setLink({ kind: 'up' });
    void askWhoIAm();
  }
}

/** What the socket says of the link, into the store; on every ready the page asks again who it is and where it is. */
export function linkChanged(event: LinkEvent, mode: BridgeMode): void {
  const state = useConsole.getState();
  if (event.kind === 'ready') {
    state.setLink({ kind: 'up' });
    if (event.reconnected) void invoke('console:snapshot', {}).then(state.receiveSnapshot, () => undefined);
    void askWhoIAm();
  } else if (event.kind === 'dropped') {
    const now = Date.now();
    const was = state.link;
    state.setLink({
      kind: 'down',
      reason: event.reason,
      attempt: event.attempt,
      since: was.kind === 'down' ? was.since : now,
      retryAt: now + event.retryInMs,
    });
  } else {
    state.setLink({ kind: 'refused', reason: event.reason, mode: mode === 'session' ? 'session' : 'token' });
  }
}

const ME_RETRIES = 3;
const ME_RETRY_MS = 2000;

/**
 * 'team:me' after each connect (a reconnect may carry another session, or the same one with a
 * changed role), then the screen this window shows, since the server counts presence per socket.
 */
async function askWhoIAm(attempt = 1): Promise<void> {
  const state = useConsole.getState();
  try {
    const me = await invoke('team:me', {});
    state.setMe(me);
    if (me.mode === 'team') reportScreen(useConsole.getState().view);
  } catch {
    // Without an answer the page shows no team controls and disables nothing; the server still decides.
    if (attempt < ME_RETRIES && useConsole.getState().link.kind === 'up') {
      setTimeout(() => void askWhoIAm(attempt + 1), ME_RETRY_MS);
    }
  }
}

function reportScreen(screen: ReturnType<typeof useConsole.getState>['view']): void {
  // Presence is a courtesy to the others: a lost report is made good by the next change or reconnect.
  void invoke('team:presence', { screen }).catch(() => undefined);
}

let watching = false;

/** In team mode, every change of screen is told to the server for the others' presence list. */
function reportScreenChanges(): void {
  if (watching) return;
  watching = true;
  useConsole.subscribe((s, prev) => {
    if (s.view !== prev.view && s.me?.mode === 'team' && s.link.kind === 'up') reportScreen(s.view);
  });
}
