import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { AuditEntry } from '../../shared/audit.js';
import type { Role } from '../../shared/team.js';
import { startConsoleServer, type ConsoleServer } from '../../electron/server/console-server.js';
import { RENDERER_DIR } from '../../electron/web-host.js';
import { startSimulator, type SimHandle, type SimOptions } from '../../sim/server.js';
import { startThrowawayCluster, type ThrowawayCluster } from './postgres.js';
import { startTeamServer, type TeamFixture } from './team-server.js';

/**
 * A team's launch in real browsers: a throwaway PostgreSQL cluster, the simulator as stream and
 * routing provider, and the console server serving the built renderer (`npm run build` first).
 * Operators are added with the admin command and sign in the way a person does: their link
 * opened in a browser context of their own, "Sign in" pressed, the session cookie set by the
 * server. Nothing stands in for any of it.
 */
export interface TeamInBrowser {
  cluster: ThrowawayCluster;
  sim: SimHandle;
  team: TeamFixture;
  /** The address the pages open: the first instance's. */
  origin: string;
  /** The launch's audit log as stored in the database, oldest first. */
  audit(): Promise<AuditEntry[]>;
  /** A page of a new browser context, signed in through the operator's own link. */
  signIn(browser: Browser, name: string, role: Role): Promise<Page>;
  /** Another instance of the console server on the same database and launch (port 0: any free one). */
  startInstance(instanceId: string, port?: number): Promise<ConsoleServer>;
  close(): Promise<void>;
}

export interface TeamInBrowserOptions {
  /** The database's name in the throwaway cluster. */
  database: string;
  sim?: SimOptions;
  /** The launch configuration's `team` section, beyond the port. */
  team?: Record<string, unknown>;
  /** The first instance's name in the team's health view. */
  instanceId?: string;
}

export async function startTeamInBrowser(options: TeamInBrowserOptions): Promise<TeamInBrowser> {
  const cluster = await startThrowawayCluster({ fsync: false });
  // What an instance keeps on its own machine (the journal of actions taken alone): not the repository's folder.
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-team-browser-'));
  const started: { sim?: SimHandle; team?: TeamFixture } = {};
  try {
    const sim = (started.sim = await startSimulator({ port: 0, seed: 11, rate: 4, speed: 1, ...options.sim }));
    const databaseUrl = await cluster.createDatabase(options.database);
    const team = (started.team = await startTeamServer({
      databaseUrl,
      rendererDir: RENDERER_DIR,
      config: { stream: { url: sim.url, staleAfterSec: 5 }, routing: { baseUrl: sim.url } },
      ...(options.team ? { team: options.team } : {}),
      server: { streamToken: sim.token, routingToken: sim.token, instanceId: options.instanceId ?? 'console-a', dataDir },
    }));
    return withTeam(cluster, sim, team, dataDir);
  } catch (e) {
    await started.team?.close().catch(() => undefined);
    await started.sim?.close().catch(() => undefined);
    await cluster.destroy().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

function withTeam(cluster: ThrowawayCluster, sim: SimHandle, team: TeamFixture, dataDir: string): TeamInBrowser {
  const contexts = new Set<BrowserContext>();
  const instances = new Set<ConsoleServer>();
  return {
    cluster,
    sim,
    team,
    origin: team.origin,
    audit: async () => {
      const out: AuditEntry[] = [];
      await team.server.audit.scanStored((e) => out.push(e));
      return out;
    },
    signIn: async (browser, name, role) => {
      const link = await team.addOperator(name, role);
      const context = await browser.newContext();
      contexts.add(context);
      context.once('close', () => contexts.delete(context));
      const page = await context.newPage();
      await page.goto(link);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The console at /, or the server's page saying why not (at /signin, the code spent or refused).
      await page.waitForURL((url) => !url.searchParams.has('code'));
      if (new URL(page.url()).pathname !== '/') throw new Error(`${name} could not sign in: ${(await page.locator('body').innerText()).replace(/\s+/g, ' ')}`);
      await expect(page.getByRole('region', { name: 'Signed in' })).toContainText(name);
      return page;
    },
    startInstance: async (instanceId, port = 0) => {
      const server = await startConsoleServer({
        config: team.config,
        databaseUrl: team.databaseUrl,
        rendererDir: RENDERER_DIR,
        pushIntervalMs: 100,
        streamToken: sim.token,
        routingToken: sim.token,
        instanceId,
        port,
        dataDir,
      });
      instances.add(server);
      const close = server.close.bind(server);
      server.close = async () => {
        instances.delete(server);
        await close();
      };
      return server;
    },
    close: async () => {
      for (const c of [...contexts]) await c.close().catch(() => undefined);
      for (const s of [...instances]) await s.close().catch(() => undefined);
      await team.close().catch(() => undefined);
      await sim.close().catch(() => undefined);
      try {
        await cluster.destroy();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A page on another origin (another port of the same host): what a malicious or careless site could run. */
export interface OtherSite {
  url: string;
  close(): Promise<void>;
}

export async function startOtherSite(): Promise<OtherSite> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Another site</title><p>Another site</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a request sent on the bridge by hand from a page answers: its result frame. */
export type ForcedAnswer = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Opens a bridge socket of its own from inside the page (its cookie, its origin) and sends the
 * requests one after the other, as a script or a curious operator with the devtools would,
 * bypassing every disabled control.
 */
export async function forceRequests(page: Page, requests: { channel: string; request: unknown }[]): Promise<ForcedAnswer[]> {
  return page.evaluate(async (asks) => {
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge`);
    const frames: { type: string; id?: number; ok?: boolean; result?: unknown; error?: string }[] = [];
    const waiters = new Set<() => void>();
    socket.addEventListener('message', (ev) => {
      frames.push(JSON.parse(String(ev.data)));
      for (const w of waiters) w();
    });
    const next = (test: (f: (typeof frames)[number]) => boolean) =>
      new Promise<(typeof frames)[number]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
        const check = () => {
          const f = frames.find(test);
          if (!f) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(f);
        };
        waiters.add(check);
        check();
      });
    await next((f) => f.type === 'ready');
    const out: ForcedAnswer[] = [];
    for (const [i, ask] of asks.entries()) {
      socket.send(JSON.stringify({ type: 'invoke', id: i + 1, channel: ask.channel, request: ask.request }));
      const f = await next((x) => x.type === 'result' && x.id === i + 1);
      out.push(f.ok ? { ok: true, result: f.result } : { ok: false, error: String(f.error) });
    }
    socket.close();
    return out;
  }, requests);
}
