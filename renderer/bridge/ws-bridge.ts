import type {
  BridgeChannel,
  BridgeRequest,
  BridgeResponse,
  ConsoleBridge,
  ConsolePush,
  WsServerFrame,
} from '../../shared/bridge.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Shows a critical notice the way a browser can; the desktop shell shows its own natively. */
function showSystemNotification(push: Extract<ConsolePush, { kind: 'notification' }>): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    new Notification(push.title, { body: push.body, tag: push.id });
  }
}

/**
 * Browsers grant notifications only from a user gesture, so the console asks at the operator's
 * first click or key press, long before the first critical alert needs it.
 */
function askForNotificationsOnFirstGesture(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  const ask = () => {
    window.removeEventListener('pointerdown', ask);
    window.removeEventListener('keydown', ask);
    void Notification.requestPermission();
  };
  window.addEventListener('pointerdown', ask);
  window.addEventListener('keydown', ask);
}

/**
 * The web host's bridge: the same ConsoleBridge the preload exposes, carried over a WebSocket
 * that presents the per-start token first. Reconnects if the host restarts or the socket drops;
 * a refused token is final and reported once.
 */
export function createWsBridge(
  token: string,
  onRefused: (reason: string) => void,
  url = `ws://${location.host}/bridge`,
): ConsoleBridge {
  askForNotificationsOnFirstGesture();
  const listeners = new Set<(push: ConsolePush) => void>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket;
  let ready = false;

  const connect = () => {
    ready = false;
    socket = new WebSocket(url);
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'auth', token })));
    socket.addEventListener('message', (ev) => {
      const frame = JSON.parse(String(ev.data)) as WsServerFrame;
      if (frame.type === 'ready') {
        ready = true;
        for (const q of queue.splice(0)) socket.send(q);
      } else if (frame.type === 'push') {
        if (frame.push.kind === 'notification') showSystemNotification(frame.push);
        for (const l of listeners) l(frame.push);
      } else {
        const p = pending.get(frame.id);
        pending.delete(frame.id);
        if (frame.ok) p?.resolve(frame.result);
        else p?.reject(new Error(frame.error));
      }
    });
    socket.addEventListener('close', (ev) => {
      for (const p of pending.values()) p.reject(new Error(`console host connection closed (${ev.reason || ev.code})`));
      pending.clear();
      if (ev.code === 4401) onRefused(ev.reason || 'the console refused this address');
      else setTimeout(connect, 1000);
    });
  };
  connect();

  return {
    invoke<C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C>> {
      const id = nextId++;
      const frame = JSON.stringify({ type: 'invoke', id, channel, request });
      return new Promise<BridgeResponse<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (ready) socket.send(frame);
        else queue.push(frame);
      });
    },
    onPush(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
