import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 in front of the routing provider that misbehaves on demand, the
 * way networks and providers do during an incident:
 *   pass        forward everything
 *   slow        hold matching requests for `delayMs`, then forward them anyway (late, not lost)
 *   fail-half   answer every other request 503 without forwarding it
 *   drop-reply  forward matching requests (so the change IS applied), then cut the socket
 *   down        stop listening: connections are refused
 */
export type FaultMode = 'pass' | 'slow' | 'fail-half' | 'drop-reply' | 'down';

export interface FaultModeOptions {
  /** How many matching requests the fault applies to before passing again (default: all). */
  times?: number;
  /** Apply only to this method (default: every request). */
  method?: 'GET' | 'POST';
  /** For 'slow'. */
  delayMs?: number;
}

export interface FaultProxy {
  url: string;
  setMode(mode: FaultMode, options?: FaultModeOptions): Promise<void>;
  /** Requests that reached the proxy since the last setMode, by method. */
  readonly received: { GET: number; POST: number };
  /** Resolves once no request is being held or forwarded. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let mode: FaultMode = 'pass';
  let opts: FaultModeOptions = {};
  let applied = 0;
  let failNext = true;
  let inFlight = 0;
  let idle: (() => void)[] = [];
  const received = { GET: 0, POST: 0 };
  const sockets = new Set<Socket>();

  const done = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const r of idle.splice(0)) r();
  };

  const matches = (req: IncomingMessage): boolean => {
    if (opts.method && req.method !== opts.method) return false;
    if (applied >= (opts.times ?? Infinity)) return false;
    applied += 1;
    return true;
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host, connection: 'close' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    if (req.method === 'GET' || req.method === 'POST') received[req.method] += 1;
    if (mode === 'fail-half') {
      const fail = failNext;
      failNext = !failNext;
      if (fail) {
        res.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'fault proxy: fail-half' }));
        return;
      }
    }
    const fault = mode === 'slow' || mode === 'drop-reply' ? (matches(req) ? mode : null) : null;
    if (fault === 'slow') await new Promise((r) => setTimeout(r, opts.delayMs ?? 1000));
    let reply: Awaited<ReturnType<typeof forward>>;
    try {
      reply = await forward(req, body);
    } catch {
      res.destroy();
      return;
    }
    if (fault === 'drop-reply' || res.destroyed) {
      res.socket?.destroy();
      return;
    }
    const headers = { ...reply.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    res.writeHead(reply.status, headers).end(reply.body);
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)).finally(done));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async setMode(next, options = {}) {
      if (mode === 'down' && next !== 'down') await listen(port);
      if (mode !== 'down' && next === 'down') await stopListening();
      mode = next;
      opts = options;
      applied = 0;
      failNext = true;
      received.GET = 0;
      received.POST = 0;
    },
    settled() {
      return inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r));
    },
    async close() {
      if (mode !== 'down') await stopListening();
      idle = [];
    },
  };
}
