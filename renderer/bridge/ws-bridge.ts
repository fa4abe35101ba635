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

/** The close code both hosts use for a page they will not serve: a wrong token, no session, a revoked one. */
export const REFUSED_CODE = 4401;

/**
 * How the page's link to the console host stands. `ready` each time the host said so (again
 * after every reconnect); `dropped` when a socket closed and another is on its way; `refused`
 * once, when the host turned the page away: nothing is tried after it.
 */
export type LinkEvent =
  | { kind: 'ready'; reconnected: boolean }
  | { kind: 'dropped'; reason: string; attempt: number; retryInMs: number }
  | { kind: 'refused'; reason: string };

export interface WsBridgeOptions {
  /** The single-desk web host's per-start token, sent first; null when the host knows the page by its session cookie. */
  token: string | null;
  onLink(event: LinkEvent): void;
  url?: string;
}

/** ws:// beside an http page, wss:// beside an https one, always to this page's own host. */
export function bridgeUrl(loc: Pick<Location, 'protocol' | 'host'> = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/bridge`;
}

/** Waits between attempts after a drop: the first as before (one second), then a little longer, never more than five. */
export function retryDelayMs(attempt: number): number {
  return [1000, 1000, 2000, 3000][attempt - 1] ?? 5000;
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
 * The web host's bridge: the same ConsoleBridge the preload exposes, carried over a WebSocket.
 * With a token (one desk) the page presents it first; without one (team mode) the server knows
 * the page by its session cookie at the handshake and says `ready` unasked. Reconnects if the
 * host restarts or the socket drops; a refusal (code 4401) is final and reported once, with the
 * host's reason.
 *
 * A request made while the link is down after a drop is refused at once rather than held: an
 * emergency action must not leave minutes later, when the operator has moved on. Only requests
 * made before the first `ready` wait for it.
 */
export function createWsBridge({ token, onLink, url = bridgeUrl() }: WsBridgeOptions): ConsoleBridge {
  askForNotificationsOnFirstGesture();
  const listeners = new Set<(push: ConsolePush) => void>();
  const pending = new Map<number, Pending>();
  const queue: { id: number; frame: string }[] = [];
  let nextId = 1;
  let socket: WebSocket;
  let ready = false;
  let everReady = false;
  let refusedWith: string | null = null;
  let attempt = 0;

  const connect = () => {
    ready = false;
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      if (token !== null) socket.send(JSON.stringify({ type: 'auth', token }));
    });
    socket.addEventListener('message', (ev) => {
      const frame = JSON.parse(String(ev.data)) as WsServerFrame;
      if (frame.type === 'ready') {
        const reconnected = everReady;
        ready = true;
        everReady = true;
        attempt = 0;
        for (const q of queue.splice(0)) socket.send(q.frame);
        onLink({ kind: 'ready', reconnected });
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
      // Until the next socket is ready a request is refused, never sent into a closed one and left waiting.
      ready = false;
      const why = ev.reason || `code ${ev.code}`;
      const unsent = new Set(queue.splice(0).map((q) => q.id));
      for (const [id, p] of pending) {
        p.reject(
          new Error(
            unsent.has(id)
              ? `Not sent: the connection to the console closed first (${why}).`
              : `The connection to the console closed before its answer came (${why}): the request may or may not have been carried out. Check the audit log once the page is back.`,
          ),
        );
      }
      pending.clear();
      if (ev.code === REFUSED_CODE) {
        refusedWith = ev.reason || 'the console refused this page';
        onLink({ kind: 'refused', reason: refusedWith });
        return;
      }
      attempt += 1;
      const retryInMs = retryDelayMs(attempt);
      onLink({ kind: 'dropped', reason: why, attempt, retryInMs });
      setTimeout(connect, retryInMs);
    });
  };
  connect();

  return {
    invoke<C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C>> {
      if (refusedWith !== null) return Promise.reject(new Error(`Not sent: signed out (${refusedWith}).`));
      if (!ready && everReady) {
        return Promise.reject(new Error('Not sent: the connection to the console dropped and is being re-established. Try again once it is back.'));
      }
      const id = nextId++;
      const frame = JSON.stringify({ type: 'invoke', id, channel, request });
      return new Promise<BridgeResponse<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (ready) socket.send(frame);
        else queue.push({ id, frame });
      });
    },
    onPush(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
