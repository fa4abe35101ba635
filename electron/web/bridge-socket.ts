import type { Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConsolePush } from '../../shared/bridge.js';
import type { BridgeDispatch } from '../core/engine/bridge-dispatch.js';
import { answer, readFrame, sender } from './bridge-frames.js';
import type { LocalAddress } from './local-address.js';

export const BRIDGE_PATH = '/bridge';
const AUTH_TIMEOUT_MS = 5000;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The bridge API over a WebSocket. The handshake must come from this host's own page (Origin)
 * at its own address (Host); the first frame must carry the token made at this start. Until
 * then nothing is answered, and a wrong token closes the socket.
 */
export function attachBridgeSocket(
  server: Server,
  token: string,
  address: LocalAddress,
  dispatch: BridgeDispatch,
  subscribe: (listener: (push: ConsolePush) => void) => () => void,
): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    path: BRIDGE_PATH,
    maxPayload: 1024 * 1024,
    verifyClient: ({ origin, req }, done) => {
      if (!address.isOwnHost(req.headers.host)) done(false, 403, 'Host is not this console');
      else if (!address.isOwnOrigin(origin)) done(false, 403, 'Origin is not this console');
      else done(true);
    },
  });
  wss.on('connection', (ws: WebSocket) => {
    let authed = false;
    let unsubscribe: (() => void) | null = null;
    const send = sender(ws);
    const authTimer = setTimeout(() => ws.close(4401, 'no token'), AUTH_TIMEOUT_MS);

    ws.on('message', async (data) => {
      const read = readFrame(data);
      if ('close' in read) {
        ws.close(...read.close);
        return;
      }
      const f = read.frame;
      if (f.type === 'auth') {
        // A second auth frame must not add a second push subscription to this socket.
        if (authed) return;
        if (!sameToken(f.token, token)) {
          ws.close(4401, 'wrong token');
          return;
        }
        clearTimeout(authTimer);
        authed = true;
        unsubscribe = subscribe((push) => send({ type: 'push', push }));
        send({ type: 'ready' });
        return;
      }
      if (!authed) {
        ws.close(4401, 'token first');
        return;
      }
      await answer(send, f, dispatch);
    });
    ws.on('close', () => {
      clearTimeout(authTimer);
      unsubscribe?.();
    });
  });
  return wss;
}
