import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConsolePush } from '../../shared/bridge.js';
import type { Actor } from '../core/engine/acting-operator.js';
import type { BridgeDispatch } from '../core/engine/bridge-dispatch.js';
import type { TeamDirectory } from '../core/team/team-directory.js';
import { answer, readFrame, sender } from '../web/bridge-frames.js';
import { BRIDGE_PATH } from '../web/bridge-socket.js';
import type { LocalAddress } from '../web/local-address.js';
import { readCookie } from './cookies.js';

export interface TeamSocketDeps {
  address: LocalAddress;
  directory: TeamDirectory;
  cookieName: string;
  /** Runs a window's request as its operator. */
  dispatch(actor: Actor, channel: unknown, request: unknown): Promise<unknown>;
  subscribe(listener: (push: ConsolePush) => void): () => void;
  connected(actor: Actor): void;
  disconnected(actor: Actor): void;
  refused(req: IncomingMessage, why: string): void;
}

/** A WebSocket close reason is at most 123 bytes. */
function closeReason(why: string): string {
  const buf = Buffer.from(why);
  return buf.length <= 123 ? why : `${buf.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '')}...`;
}

interface Open {
  ws: WebSocket;
  session: string;
  actor: Actor;
}

/**
 * The bridge for signed-in operators: the handshake must come from the console's own page, and
 * carry a live session cookie; each window then acts as its operator, and is closed, with the
 * reason, the moment its session ends (revoked, signed out, timed out).
 */
export function attachTeamSocket(server: Server, deps: TeamSocketDeps): { wss: WebSocketServer; sweep(): void } {
  const open = new Set<Open>();
  // One push goes to every window: it is written out once, not once per window.
  const frames = new WeakMap<ConsolePush, string>();
  const framed = (push: ConsolePush): string => {
    let text = frames.get(push);
    if (text === undefined) {
      text = JSON.stringify({ type: 'push', push });
      frames.set(push, text);
    }
    return text;
  };
  const wss = new WebSocketServer({
    server,
    path: BRIDGE_PATH,
    maxPayload: 1024 * 1024,
    verifyClient: ({ origin, req }, done) => {
      if (!deps.address.isOwnHost(req.headers.host)) {
        deps.refused(req, 'a connection addressed to another host name');
        done(false, 403, 'Host is not this console');
      } else if (!deps.address.isOwnOrigin(origin)) {
        deps.refused(req, `a connection from another site (${String(origin).slice(0, 100)})`);
        done(false, 403, 'Origin is not this console');
      } else done(true);
    },
  });
  const end = (o: Open, why: string) => {
    open.delete(o);
    o.ws.close(4401, closeReason(why));
  };
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => void welcome(ws, req));
  const welcome = async (ws: WebSocket, req: IncomingMessage) => {
    const session = readCookie(req.headers.cookie, deps.cookieName);
    let auth = deps.directory.authenticate(session);
    // Signed in, or last seen, at another instance a moment ago: the directory may not have read it yet.
    if (!auth.ok && session) {
      await deps.directory.refresh().catch(() => undefined);
      auth = deps.directory.authenticate(session);
    }
    if (!auth.ok || !session) {
      const why = auth.ok ? 'sign in first' : auth.why;
      deps.refused(req, why);
      ws.close(4401, closeReason(why));
      return;
    }
    deps.directory.touch(session);
    const actor: Actor = { name: auth.name, role: auth.role, sessionEndsAt: auth.endsAt, connectionId: randomUUID() };
    const o: Open = { ws, session, actor };
    open.add(o);
    const send = sender(ws);
    const dispatch: BridgeDispatch = (channel, request) => deps.dispatch(actor, channel, request);
    deps.connected(actor);
    const unsubscribe = deps.subscribe((push) => {
      if (ws.readyState === ws.OPEN) ws.send(framed(push));
    });
    send({ type: 'ready' });
    ws.on('message', async (data) => {
      const read = readFrame(data);
      if ('close' in read) {
        ws.close(...read.close);
        return;
      }
      // A page of the single-desk host sends its token first; here the cookie already said who it is.
      if (read.frame.type === 'auth') return;
      const still = deps.directory.authenticate(session);
      if (!still.ok) {
        deps.refused(req, still.why);
        end(o, still.why);
        return;
      }
      deps.directory.touch(session);
      await answer(send, read.frame, dispatch);
    });
    ws.on('close', () => {
      open.delete(o);
      unsubscribe();
      deps.disconnected(actor);
    });
  };
  return {
    wss,
    /** Closes the windows whose session has ended; an open window counts as use, so watching is not idling. */
    sweep: () => {
      for (const o of [...open]) {
        const auth = deps.directory.authenticate(o.session);
        if (auth.ok) deps.directory.touch(o.session);
        else end(o, auth.why);
      }
    },
  };
}
