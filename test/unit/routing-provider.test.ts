import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingState } from '../../shared/protocol.js';
import { HttpRoutingProvider, RoutingProviderError } from '../../electron/core/routing/provider.js';

const TOKEN = 'tok-5ecr3t-abc123';
const state: RoutingState = {
  version: 2,
  mode: 'live',
  agentShare: 25,
  agentVersion: 'v2.0.0',
  previousVersion: 'v1.9.3',
  intents: { order_status: 'agent' },
  updatedAt: '2025-01-01T10:00:00.000Z',
  updatedBy: 'system',
};

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let handler: Handler = () => undefined;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
let server: Server;
let url: string;

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failure(p: Promise<unknown>): Promise<RoutingProviderError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RoutingProviderError);
  return e as RoutingProviderError;
}

describe('HttpRoutingProvider', () => {
  const provider = () => new HttpRoutingProvider({ baseUrl: url, token: TOKEN, timeoutMs: 1000 });

  it('sends the bearer token, the idempotency key and the request, and returns the parsed state', async () => {
    handler = (_req, _body, res) => reply(res, 200, { ...state, extra: 'kept' });
    seen.length = 0;
    const got = await provider().applyAction({ action: 'stop_all', operator: 'ana', reason: 'latency' }, 'key-1');
    expect(got.mode).toBe('live');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/routing/actions' });
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[0]?.headers['idempotency-key']).toBe('key-1');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ action: 'stop_all', operator: 'ana', reason: 'latency' });
    await provider().getState();
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/routing' });
  });

  it('names the bad field of a reply that does not match the routing state', async () => {
    handler = (_req, _body, res) => reply(res, 200, { ...state, mode: 'flying' });
    const e = await failure(provider().getState());
    expect(e.kind).toBe('bad_reply');
    expect(e.message).toMatch(/GET \/routing: bad reply from the routing provider: mode:/);
    handler = (_req, _body, res) => reply(res, 200, '<html>');
    expect((await failure(provider().getState())).message).toMatch(/not JSON/);
  });

  it('maps statuses: 400 and 422 are final, 5xx and 429 are worth a retry', async () => {
    handler = (_req, _body, res) => reply(res, 400, { error: 'share: required for set_share' });
    let e = await failure(provider().applyAction({ action: 'set_share', operator: 'ana' }, 'k'));
    expect(e).toMatchObject({ kind: 'http', status: 400, retryable: false });
    expect(e.message).toMatch(/rejected the request \(400\): share: required/);
    handler = (_req, _body, res) => reply(res, 422, { error: 'key reused' });
    e = await failure(provider().applyAction({ action: 'stop_all', operator: 'ana' }, 'k'));
    expect(e).toMatchObject({ status: 422, retryable: false });
    expect(e.message).toMatch(/idempotency key was already used with a different request/);
    handler = (_req, _body, res) => reply(res, 503, { error: 'busy' });
    expect(await failure(provider().getState())).toMatchObject({ status: 503, retryable: true });
    handler = (_req, _body, res) => reply(res, 429, {});
    expect(await failure(provider().getState())).toMatchObject({ status: 429, retryable: true });
  });

  it('times out a provider that does not answer', async () => {
    handler = () => undefined;
    const e = await failure(new HttpRoutingProvider({ baseUrl: url, token: TOKEN, timeoutMs: 50 }).getState());
    expect(e).toMatchObject({ kind: 'timeout', retryable: true });
    const caller = await failure(provider().getState(AbortSignal.timeout(30)));
    expect(caller.kind).toBe('timeout');
    const ctl = new AbortController();
    const cancelled = failure(provider().getState(ctl.signal));
    ctl.abort();
    expect((await cancelled).kind).toBe('aborted');
  });

  it('tells a refused connection apart from a lost one', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = await failure(new HttpRoutingProvider({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, timeoutMs: 1000 }).getState());
    expect(e).toMatchObject({ kind: 'refused', retryable: true });
    handler = (req) => req.socket.destroy();
    expect(await failure(provider().getState())).toMatchObject({ kind: 'network', retryable: true });
  });

  it('never puts the token in an error, even when the provider echoes it or it sits in the URL', async () => {
    const messages: string[] = [];
    const collect = async (p: Promise<unknown>) => {
      const e = await failure(p);
      messages.push(e.message, e.stack ?? '', String(e), JSON.stringify(e));
    };
    handler = (req, _body, res) => reply(res, 400, { error: `bad header ${req.headers.authorization ?? ''}` });
    await collect(provider().applyAction({ action: 'stop_all', operator: 'ana' }, 'k'));
    handler = (req, _body, res) => reply(res, 500, { error: `${req.headers.authorization ?? ''} ${encodeURIComponent(TOKEN)}` });
    await collect(provider().getState());
    handler = (_req, _body, res) => reply(res, 200, { ...state, mode: TOKEN });
    await collect(provider().getState());
    handler = () => undefined;
    const withCreds = url.replace('http://', `http://ops:${TOKEN}@`);
    await collect(new HttpRoutingProvider({ baseUrl: withCreds, token: TOKEN, timeoutMs: 30 }).getState());
    expect(messages.join('\n')).toContain('[redacted]');
    for (const m of messages) expect(m).not.toContain(TOKEN);
    expect(messages.join('\n')).not.toContain(encodeURIComponent(TOKEN));
  });
});
