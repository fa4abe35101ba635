import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LaunchConfigSchema } from '../../shared/config.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import { startWebHost, type WebHost } from '../../electron/web-host.js';

let dir: string;
let host: WebHost;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lc-web-hardening-'));
  const rendererDir = join(dir, 'renderer');
  const dataDir = join(dir, 'data');
  await import('node:fs').then((fs) => fs.mkdirSync(rendererDir));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><div id="root"></div>');
  host = await startWebHost(
    {
      // Nothing listens on port 9: the stream stays down, which these checks do not need.
      config: LaunchConfigSchema.parse({ stream: { url: 'http://127.0.0.1:9' }, routing: { baseUrl: 'http://127.0.0.1:9' } }),
      configPath: null,
      port: 0,
      dataDir,
      streamToken: undefined,
      routingToken: undefined,
    },
    rendererDir,
  );
  port = Number(new URL(host.url).port);
});

afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, options: { method?: string; host?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { Host: options.host ?? `127.0.0.1:${port}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens the bridge socket with the given handshake headers; resolves 'ready', or the refusal status. */
function openBridge(headers: { origin?: string; host?: string }, token = host.token): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, {
      ...(headers.origin ? { origin: headers.origin } : {}),
      headers: { Host: headers.host ?? `127.0.0.1:${port}` },
    });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    ws.on('message', (data) => {
      resolve(JSON.parse(String(data)).type as string);
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(`refused ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('close', (code) => resolve(`closed ${code}`));
    ws.on('error', () => undefined);
  });
}

describe('web host hardening', () => {
  it('accepts the bridge only from its own page at its own address', async () => {
    expect(await openBridge({ origin: `http://127.0.0.1:${port}` })).toBe('ready');
    expect(await openBridge({ origin: `http://localhost:${port}`, host: `localhost:${port}` })).toBe('ready');
    expect(await openBridge({ origin: 'http://evil.example' })).toBe('refused 403');
    expect(await openBridge({ origin: `http://127.0.0.1:${port + 1}` })).toBe('refused 403');
    expect(await openBridge({})).toBe('refused 403');
    expect(await openBridge({ origin: `http://127.0.0.1:${port}`, host: `evil.example:${port}` })).toBe('refused 403');
    expect(await openBridge({ origin: `http://127.0.0.1:${port}` }, 'wrong')).toBe('closed 4401');
  });

  it('sends the security headers with every reply, errors included', async () => {
    for (const path of ['/', '/index.html', '/missing.js', '/..%2f..%2fetc/passwd', '/%E0%A4%A']) {
      const res = await get(path);
      expect(res.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['referrer-policy'], path).toBe('no-referrer');
      expect(res.headers['x-frame-options'], path).toBe('DENY');
      expect(res.headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(res.headers['cache-control'], path).toBe('no-store');
    }
    expect((await get('/')).status).toBe(200);
    expect((await get('/..%2f..%2fetc/passwd')).status).toBe(403);
  });

  it('never echoes the request path in an error page', async () => {
    const res = await get('/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(res.status).toBe(404);
    expect(res.body).toBe('not found');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('serves files to GET and HEAD only', async () => {
    const head = await get('/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const res = await get('/index.html', { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.allow, method).toBe('GET, HEAD');
    }
  });

  it('answers only to its own name, so a DNS-rebinding page gets nothing', async () => {
    expect((await get('/', { host: `evil.example:${port}` })).status).toBe(421);
    expect((await get('/', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('answers the desktop-only token entry with where the token comes from here', async () => {
    const dispatchAnswer = await new Promise<{ ok: boolean; error?: string; result?: unknown }[]>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, { origin: `http://127.0.0.1:${port}` });
      const answers: { ok: boolean; error?: string; result?: unknown }[] = [];
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: host.token })));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; ok: boolean; error?: string; result?: unknown };
        if (frame.type === 'ready') {
          ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'routing:set-token', request: { token: 'abcdefgh123' } }));
          ws.send(JSON.stringify({ type: 'invoke', id: 2, channel: 'routing:token-status', request: {} }));
        } else if (frame.type === 'result') {
          answers.push(frame);
          if (answers.length === 2) {
            ws.close();
            resolve(answers);
          }
        }
      });
    });
    expect(dispatchAnswer[0]).toMatchObject({ ok: false, error: expect.stringMatching(/reads the routing token from LAUNCH_ROUTING_TOKEN/) });
    expect(dispatchAnswer[1]).toMatchObject({ ok: true, result: { present: false, canEnter: false } });
  });
});
