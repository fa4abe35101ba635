import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { BridgeChannel, BridgeRequest, BridgeResponse, ConsolePush, WsServerFrame } from '../../shared/bridge.js';
import { LaunchConfigSchema, type LaunchConfig } from '../../shared/config.js';
import type { ConsoleSnapshot } from '../../shared/console-state.js';
import type { Role } from '../../shared/team.js';
import { runTeamCli } from '../../electron/core/team/cli.js';
import { startConsoleServer, type ConsoleServer, type ConsoleServerOptions } from '../../electron/server/console-server.js';

/**
 * A console server for a team on loopback, with its operators signed in the way a person does it:
 * the admin command's link, the sign-in page's form, the session cookie, the bridge WebSocket.
 */

export interface TeamFixture {
  server: ConsoleServer;
  config: LaunchConfig;
  configFile: string;
  databaseUrl: string;
  origin: string;
  /** `npm run team -- ...` against this server's launch; resolves to its exit code and output. */
  team(args: string[]): Promise<{ code: number; out: string; err: string }>;
  /** Adds (or re-roles) an operator and returns their sign-in link. */
  addOperator(name: string, role: Role): Promise<string>;
  /** Follows a sign-in link as a browser would: the page, then its form. Resolves to the session cookie. */
  signIn(link: string): Promise<string>;
  connect(cookie: string): Promise<TeamWindow>;
  close(): Promise<void>;
}

export async function startTeamServer(options: {
  databaseUrl: string;
  config?: Record<string, unknown>;
  team?: Record<string, unknown>;
  server?: Partial<ConsoleServerOptions>;
  rendererDir?: string;
}): Promise<TeamFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-team-'));
  let rendererDir = options.rendererDir;
  if (!rendererDir) {
    rendererDir = join(dir, 'renderer');
    await import('node:fs').then((fs) => fs.mkdirSync(rendererDir!));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><div id="root"></div>');
  }
  const raw = {
    stream: { url: 'http://127.0.0.1:9' },
    routing: { baseUrl: 'http://127.0.0.1:9' },
    ...options.config,
    team: { port: 0, ...options.team },
  };
  const config = LaunchConfigSchema.parse(raw);
  const server = await startConsoleServer({ config, databaseUrl: options.databaseUrl, rendererDir, pushIntervalMs: 100, dataDir: join(dir, 'data'), ...options.server });
  await server.whenLeading();
  const origin = `http://127.0.0.1:${server.port}`;
  const configFile = join(dir, 'launch.json');
  writeFileSync(configFile, JSON.stringify({ ...raw, team: { ...raw.team, publicUrl: origin } }));
  const team = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runTeamCli([...args, '--config', configFile, '--database', options.databaseUrl, '--by', 'test admin'], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      env: {},
      cwd: dir,
    });
    return { code, out, err };
  };
  return {
    server,
    config,
    configFile,
    databaseUrl: options.databaseUrl,
    origin,
    team,
    addOperator: async (name, role) => {
      const r = await team(['add', name, '--role', role]);
      if (r.code !== 0) throw new Error(`team add ${name}: ${r.err}`);
      const link = /https?:\/\/\S+\/signin\?code=\S+/.exec(r.out)?.[0];
      if (!link) throw new Error(`no link in: ${r.out}`);
      return link;
    },
    signIn: async (link) => {
      const url = new URL(link);
      const page = await http(server.port, 'GET', url.pathname + url.search);
      if (page.status !== 200) throw new Error(`sign-in page: ${page.status} ${page.body}`);
      const code = url.searchParams.get('code') ?? '';
      const posted = await http(server.port, 'POST', '/signin', { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ code }).toString());
      const setCookie = posted.headers['set-cookie']?.[0];
      if (posted.status !== 303 || !setCookie) throw new Error(`sign-in refused: ${posted.status} ${posted.body}`);
      return setCookie.split(';')[0] ?? '';
    },
    connect: (cookie) => TeamWindow.connect(server.port, cookie, origin),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpReply {
  status: number;
  headers: Record<string, string[] | undefined>;
  body: string;
}

export function http(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const out: Record<string, string[] | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) out[k] = v === undefined ? undefined : Array.isArray(v) ? v : [String(v)];
        resolve({ status: res.statusCode ?? 0, headers: out, body: text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One browser window of an operator, over the bridge WebSocket. */
export class TeamWindow {
  latest: ConsoleSnapshot | null = null;
  readonly pushes: ConsolePush[] = [];
  closed: { code: number; reason: string } | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly snapshotWaiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as WsServerFrame;
      if (frame.type === 'push') {
        if (frame.push.kind === 'snapshot') {
          this.latest = frame.push.snapshot;
          for (const w of this.snapshotWaiters) w();
        } else this.pushes.push(frame.push);
      } else if (frame.type === 'result') {
        const p = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        if (frame.ok) p?.resolve(frame.result);
        else p?.reject(new Error(frame.error));
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      for (const p of this.pending.values()) p.reject(new Error(`closed ${code} ${String(reason)}`));
      this.pending.clear();
    });
  }

  /** Resolves once the server said ready, or with the close it answered instead. */
  static connect(port: number, cookie: string, origin: string): Promise<TeamWindow> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, { headers: { Cookie: cookie, Origin: origin } });
    const client = new TeamWindow(ws);
    return new Promise((resolve, reject) => {
      ws.once('message', (data) => {
        const frame = JSON.parse(String(data)) as WsServerFrame;
        if (frame.type === 'ready') resolve(client);
      });
      ws.once('close', () => resolve(client));
      ws.once('error', reject);
    });
  }

  invoke<C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ type: 'invoke', id, channel, request }));
    });
  }

  /** Resolves with the first snapshot that passes the test, or rejects after the time given. */
  waitFor(test: (s: ConsoleSnapshot) => boolean, timeoutMs = 3000): Promise<ConsoleSnapshot> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.latest && test(this.latest)) {
          clearTimeout(timer);
          this.snapshotWaiters.delete(check);
          resolve(this.latest);
        }
      };
      const timer = setTimeout(() => {
        this.snapshotWaiters.delete(check);
        reject(new Error(`no snapshot passed the test within ${timeoutMs} ms`));
      }, timeoutMs);
      this.snapshotWaiters.add(check);
      check();
    });
  }

  waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('still open')), timeoutMs);
      this.ws.once('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: String(reason) });
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}
