import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ConsolePush } from '../../shared/bridge.js';
import { BRIDGE_REQUESTS } from '../../shared/bridge.js';
import type { ConsoleSnapshot } from '../../shared/console-state.js';
import { ConfigError, type LaunchConfig } from '../../shared/config.js';
import type { RoutingState } from '../../shared/protocol.js';
import type { OfflineMerge, TeamConfig, TeamHealth } from '../../shared/team.js';
import { AuditLog } from '../core/audit/audit-log.js';
import { ConsoleService, type ConsoleServiceOptions } from '../core/console-service.js';
import type { Actor } from '../core/engine/acting-operator.js';
import { createPool } from '../core/storage/postgres/database.js';
import { PostgresStorage } from '../core/storage/postgres/postgres-storage.js';
import { TeamDirectory } from '../core/team/team-directory.js';
import { teamIsSecure, teamLaunchId, teamPublicUrl } from '../core/team/team-settings.js';
import { createStaticHandler } from '../web/static-files.js';
import { checkBinding } from './bind-rules.js';
import { Bus, type BusMessage } from './bus.js';
import { cookieName } from './cookies.js';
import { DbPresence, INSTANCE_FRESH_SEC } from './db-presence.js';
import { Leadership } from './leadership.js';
import { RefusalAudit } from './refusal-audit.js';
import { RequestRelay } from './request-relay.js';
import { serverAddress } from './server-address.js';
import { InstanceAlone } from './instance-alone.js';
import { handleSignIn } from './signin-routes.js';
import { SnapshotFeed } from './snapshot-feed.js';
import { attachTeamSocket } from './team-socket.js';

/** How often an instance says it is alive, syncs presence, and reads the team's directory again. */
const HEARTBEAT_MS = 1000;

export interface ConsoleServerOptions extends Pick<ConsoleServiceOptions, 'streamToken' | 'routingToken' | 'splitterToken' | 'provider' | 'now' | 'pushIntervalMs' | 'rehearsalToken'> {
  config: LaunchConfig;
  databaseUrl: string;
  rendererDir: string;
  /** Another port than team.port (0: any free one). */
  port?: number;
  /** This instance's name in the team's health view; by default the machine's name and the process id. */
  instanceId?: string;
  /** Where this instance keeps what it must keep locally (the journal of actions taken while the database was away). */
  dataDir?: string;
}

export interface ConsoleServer {
  /** The address operators open. */
  url: string;
  port: number;
  instanceId: string;
  directory: TeamDirectory;
  storage: PostgresStorage;
  /** This instance's view of the team's audit log: its own appends, and the leader's. */
  audit: AuditLog;
  /** Resolves once this instance leads (tests and benchmarks wait for it). */
  whenLeading(): Promise<ConsoleService>;
  close(): Promise<void>;
}

function teamOf(config: LaunchConfig): TeamConfig {
  if (!config.team) throw new ConfigError('the launch configuration has no "team" section: the console server needs one (see docs/team.md)');
  return config.team;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`cannot read the TLS ${what} ${path}: ${(e as Error).message}`);
  }
}

/**
 * One instance of the console server a team shares. Every instance serves the page, signs
 * operators in and holds their windows; the one that leads (elected through the database) runs
 * the launch's console (the stream, alerts, countdowns, notifications) and the others carry
 * their windows' requests to it and its snapshots back, through PostgreSQL.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const { config } = options;
  const team = teamOf(config);
  checkBinding(team);
  if (!existsSync(join(options.rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${options.rendererDir}/index.html missing): run npm run build`);
  }
  const now = options.now ?? Date.now;
  const launchId = teamLaunchId(config);
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const server: Server = team.tls
    ? createHttpsServer({ cert: readPem(team.tls.certFile, 'certificate'), key: readPem(team.tls.keyFile, 'key') })
    : createHttpServer();
  const storage = await PostgresStorage.open({ url: options.databaseUrl, launchId });
  const pool = createPool(options.databaseUrl, { max: 6 });
  const closeStores = async () => {
    await storage.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  };
  let directory: TeamDirectory;
  let audit: AuditLog;
  try {
    directory = await TeamDirectory.open(storage.records('team-directory'), team, now);
    audit = await AuditLog.open(storage.records('audit'), { now });
  } catch (e) {
    await closeStores();
    throw e;
  }
  const presence = new DbPresence(pool, launchId, instanceId);

  // What this instance's windows are sent: the leader's console's pushes, each snapshot with this instance's health.
  const listeners = new Set<(push: ConsolePush) => void>();
  let lastSnapshot: ConsoleSnapshot | null = null;
  let leaderId: string | null = null;
  let alone: InstanceAlone | null = null;
  const health = (): TeamHealth => ({
    instance: instanceId,
    leader: leaderId,
    database: bus.health,
    actingAlone: bus.health.reachable ? null : { since: bus.health.since ?? now(), why: `the team's database cannot be reached (${bus.health.problem ?? 'no answer'})` },
    journaledAlone: alone?.journaled ?? 0,
  });
  /**
   * This instance's health on the snapshot; a snapshot not fresh from a leader here says its data
   * is not live (its age keeps growing), and shows an action taken alone since.
   */
  const withHealth = (snapshot: ConsoleSnapshot): ConsoleSnapshot => {
    const team = { present: presence.list(), handover: snapshot.team?.handover ?? null, health: health() };
    if (service || (bus.health.reachable && leaderId)) return { ...snapshot, team };
    const { stream, actions, routing } = snapshot;
    const took = alone?.lastOutcome;
    const read = alone?.lastRead;
    return {
      ...snapshot,
      team,
      routing: read && read.at > (routing.observedAt ?? 0) ? { state: read.state, source: 'provider', observedAt: read.at, error: null } : routing,
      stream: { ...stream, phase: stream.phase === 'live' ? 'stale' : stream.phase, dataAgeMs: stream.lastEventAt === null ? null : Math.max(0, now() - stream.lastEventAt) },
      actions: took && took.at > (actions.lastOutcomeAt ?? 0) ? { ...actions, lastOutcome: took.outcome, lastOutcomeAt: took.at } : actions,
    };
  };
  const deliver = (push: ConsolePush) => {
    if (push.kind === 'snapshot') lastSnapshot = push.snapshot;
    const out: ConsolePush = push.kind === 'snapshot' ? { kind: 'snapshot', snapshot: withHealth(push.snapshot) } : push;
    for (const l of listeners) l(out);
  };

  const onMessage = (message: BusMessage, from: string) => {
    switch (message.kind) {
      case 'snapshot':
      case 'push':
        if (from !== instanceId && !service) feed.heard(message);
        return;
      case 'request':
        relay.heard('request', message.id);
        return;
      case 'result':
        relay.heard('result', message.id, message.to);
        return;
      case 'audit':
        if (from !== instanceId) void (service?.audit ?? audit).catchUp().catch(() => undefined);
    }
  };
  const bus: Bus = new Bus(options.databaseUrl, pool, launchId, instanceId, onMessage, () => {
    if (lastSnapshot) deliver({ kind: 'snapshot', snapshot: lastSnapshot });
  });
  const relay = new RequestRelay(pool, bus, launchId);
  const feed = new SnapshotFeed(pool, bus, launchId, deliver);
  const appendAudit = (entry: Parameters<AuditLog['append']>[0]) =>
    (service?.audit ?? audit).append(entry).then(() => bus.publish({ kind: 'audit' }).catch(() => undefined));

  let service: ConsoleService | null = null;
  let becameLeader: (s: ConsoleService) => void = () => undefined;
  const leadingNow = new Promise<ConsoleService>((r) => {
    becameLeader = r;
  });
  const leadership = new Leadership(options.databaseUrl, launchId, {
    lead: async () => {
      const opened = await ConsoleService.open({
        config,
        storage,
        streamToken: options.streamToken,
        routingToken: options.routingToken,
        splitterToken: options.splitterToken,
        ...(options.provider ? { provider: options.provider } : {}),
        now,
        ...(options.pushIntervalMs ? { pushIntervalMs: options.pushIntervalMs } : {}),
        ...(options.rehearsalToken ? { rehearsalToken: options.rehearsalToken } : {}),
        team: { permissions: team.actions, roleOf: (name) => directory.roleOf(name), presence, health },
      });
      service = opened;
      leaderId = instanceId;
      opened.onPush((push) => {
        deliver(push);
        feed.publish(push);
      });
      opened.start();
      relay.serve((actor, channel, request) => opened.dispatcherFor(actor)(channel, request));
      becameLeader(opened);
    },
    lost: () => {
      // The lead may already be another instance's: this one's console stops acting at once.
      const s = service;
      service = null;
      relay.serve(null);
      if (leaderId === instanceId) leaderId = null;
      if (s) void s.stop().catch(() => undefined);
    },
  });

  const secure = teamIsSecure(team);
  const cookie = { name: cookieName(secure), secure };
  let port = options.port ?? team.port;
  try {
    await bus.start();
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'EADDRINUSE' ? new ConfigError(`port ${port} on ${team.host} is in use: choose another with --port or team.port`) : e),
      );
      server.listen(port, team.host, () => resolveListen());
    });
  } catch (e) {
    await bus.stop();
    await audit.close().catch(() => undefined);
    await closeStores();
    throw e;
  }
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  const desk = `${hostname()}:${port}`;
  try {
    alone = await InstanceAlone.open({
      dir: join(options.dataDir ?? join(process.cwd(), '.launch-data', `${launchId}-server`), 'alone', desk.replace(/[^A-Za-z0-9_.-]+/g, '-')),
      config,
      team,
      desk: `console server ${desk}`,
      routingToken: options.routingToken,
      splitterToken: options.splitterToken,
      now,
      notify: (push) => deliver(push),
    });
  } catch (e) {
    await new Promise<void>((r) => server.close(() => r()));
    await bus.stop();
    await audit.close().catch(() => undefined);
    await closeStores();
    throw e;
  }
  const own = serverAddress(team.host, port, secure, team.publicUrl);
  const refusals = new RefusalAudit((entry) => void appendAudit(entry).catch(() => undefined), now);
  const refused = (req: IncomingMessage, why: string) =>
    refusals.record('nobody signed in', req.socket.remoteAddress ?? 'an unknown address', why, { path: (req.url ?? '').split('?')[0] ?? '' });
  const serveStatic = createStaticHandler(options.rendererDir, own.isOwnHost);
  server.on('request', (req, res) => {
    void (async () => {
      if (own.isOwnHost(req.headers.host)) {
        const handled = await handleSignIn(req, res, {
          directory,
          address: own,
          cookie,
          refused,
          signedIn: async (who) => {
            await appendAudit({ type: 'team', operator: who.name, summary: `${who.name} signed in as ${who.role}`, data: { role: who.role, until: new Date(who.endsAt).toISOString(), instance: instanceId } });
          },
          signedOut: async (name) => {
            await appendAudit({ type: 'team', operator: name, summary: `${name} signed out`, data: { instance: instanceId } });
          },
        });
        if (handled) return;
      }
      await serveStatic(req, res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });

  const aloneReason = () => ({ since: bus.health.since ?? now(), why: `the team's database cannot be reached (${bus.health.problem ?? 'no answer'})` });
  // What this instance took alone goes to the team's log as soon as a leader can take it.
  const systemActor: Actor = { name: `console server ${instanceId}`, role: 'admin', sessionEndsAt: Number.MAX_SAFE_INTEGER, connectionId: `server-${instanceId}` };
  const mergeAlone = async () => {
    if (!alone || alone.journaled === 0 || !bus.health.reachable) return;
    const leader = service;
    if (!leader && !leaderId) return;
    await alone.merge(async (request) =>
      (leader ? await leader.dispatcherFor(systemActor)('team:merge-offline', request) : await relay.ask(systemActor, 'team:merge-offline', request, 30_000)) as OfflineMerge,
    );
  };
  const actAlone = async (actor: Actor, channel: unknown, request: unknown, before: RoutingState | null): Promise<unknown> => {
    try {
      return await alone!.dispatch(actor, channel, request, aloneReason(), before);
    } finally {
      if (lastSnapshot) deliver({ kind: 'snapshot', snapshot: lastSnapshot });
    }
  };
  const dispatch = async (actor: Actor, channel: unknown, request: unknown): Promise<unknown> => {
    // Which screen a window shows is this instance's to keep: it holds the window.
    if (channel === 'team:presence') {
      const parsed = BRIDGE_REQUESTS['team:presence'].safeParse(request ?? {});
      if (!parsed.success) throw new Error(`team:presence: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      presence.showing(actor.connectionId, parsed.data.screen);
      return { ok: true };
    }
    if (alone?.knows(channel, request)) return actAlone(actor, channel, request, null);
    const leader = service;
    if (leader && bus.health.reachable) return leader.dispatcherFor(actor)(channel, request);
    if (channel === 'console:snapshot' && lastSnapshot) return withHealth(lastSnapshot);
    if (!bus.health.reachable) {
      if (alone && (channel === 'routing:prepare' || channel === 'routing:execute')) {
        return actAlone(actor, channel, request, lastSnapshot?.routing.state ?? null);
      }
      throw new Error(`The team's database cannot be reached (${bus.health.problem ?? 'no answer'}): this window shows the launch as last seen, and nothing can be saved until it is back; Pause ramp, Route to fallback and Stop all still act, alone.`);
    }
    if (!leaderId) throw new Error('No console-server instance leads the launch at this moment (one takes over within seconds): try again shortly.');
    return relay.ask(actor, String(channel), request, config.routing.deadlineMs + 15_000);
  };

  const socket = attachTeamSocket(server, {
    address: own,
    directory,
    cookieName: cookie.name,
    dispatch,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connected: (actor) => presence.connect(actor.connectionId, actor, now()),
    disconnected: (actor) => presence.disconnect(actor.connectionId),
    refused,
  });

  const heartbeat = async () => {
    try {
      await pool.query(
        `INSERT INTO console_instances (launch_id, instance_id, address, is_leader, seen_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (launch_id, instance_id) DO UPDATE SET is_leader = EXCLUDED.is_leader, seen_at = now(), address = EXCLUDED.address`,
        [launchId, instanceId, `${team.host}:${port}`, service !== null],
      );
      const lead = await pool.query<{ instance_id: string }>(
        `SELECT instance_id FROM console_instances WHERE launch_id = $1 AND is_leader AND seen_at > now() - make_interval(secs => $2) ORDER BY seen_at DESC LIMIT 1`,
        [launchId, INSTANCE_FRESH_SEC],
      );
      leaderId = service ? instanceId : (lead.rows[0]?.instance_id ?? null);
      await presence.sync();
      await directory.refresh();
      if (service) await relay.sweep();
      await mergeAlone();
    } catch {
      // The bus's connection says whether the database is reachable; the next beat tries again.
    }
    // With no leader's snapshots coming, the windows still see the data's age grow and what was done alone.
    if (!service && (!bus.health.reachable || !leaderId) && lastSnapshot) deliver({ kind: 'snapshot', snapshot: lastSnapshot });
    socket.sweep();
  };
  let beating = true;
  const beat = () => {
    if (!beating) return;
    void heartbeat().finally(() => {
      if (beating) heartbeatTimer = setTimeout(beat, HEARTBEAT_MS);
    });
  };
  let heartbeatTimer: NodeJS.Timeout | undefined;
  beat();
  leadership.start();

  return {
    url: team.publicUrl ?? teamPublicUrl(team, port),
    port,
    instanceId,
    directory,
    audit,
    whenLeading: () => leadingNow,
    storage,
    close: async () => {
      beating = false;
      clearTimeout(heartbeatTimer);
      for (const client of socket.wss.clients) client.terminate();
      socket.wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      const s = service;
      service = null;
      relay.serve(null);
      if (s) await s.stop();
      await leadership.stop();
      await alone?.close();
      await pool.query('DELETE FROM console_instances WHERE launch_id = $1 AND instance_id = $2', [launchId, instanceId]).catch(() => undefined);
      await bus.stop();
      await audit.close().catch(() => undefined);
      await closeStores();
    },
  };
}
