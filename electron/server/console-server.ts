import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LaunchConfig } from '../../shared/config.js';
import { ConfigError } from '../../shared/config.js';
import type { TeamConfig } from '../../shared/team.js';
import { ConsoleService, type ConsoleServiceOptions } from '../core/console-service.js';
import { PostgresStorage } from '../core/storage/postgres/postgres-storage.js';
import { TeamDirectory } from '../core/team/team-directory.js';
import { teamIsSecure, teamLaunchId, teamPublicUrl } from '../core/team/team-settings.js';
import { createStaticHandler } from '../web/static-files.js';
import { checkBinding } from './bind-rules.js';
import { cookieName } from './cookies.js';
import { RefusalAudit } from './refusal-audit.js';
import { serverAddress } from './server-address.js';
import { handleSignIn } from './signin-routes.js';
import { attachTeamSocket } from './team-socket.js';

/** How often the server reads the team's directory again (operators added, sessions revoked) and closes ended sessions. */
const SWEEP_MS = 2000;

export interface ConsoleServerOptions extends Pick<ConsoleServiceOptions, 'streamToken' | 'routingToken' | 'splitterToken' | 'provider' | 'now' | 'pushIntervalMs' | 'rehearsalToken'> {
  config: LaunchConfig;
  databaseUrl: string;
  rendererDir: string;
  /** Another port than team.port (0: any free one). */
  port?: number;
}

export interface ConsoleServer {
  /** The address operators open. */
  url: string;
  port: number;
  service: ConsoleService;
  directory: TeamDirectory;
  storage: PostgresStorage;
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
 * The console core as one long-running server for a team: the launch's records in PostgreSQL,
 * the renderer and a bridge WebSocket per window, each window signed in as a named operator.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const { config } = options;
  const team = teamOf(config);
  checkBinding(team);
  if (!existsSync(join(options.rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${options.rendererDir}/index.html missing): run npm run build`);
  }
  const server: Server = team.tls
    ? createHttpsServer({ cert: readPem(team.tls.certFile, 'certificate'), key: readPem(team.tls.keyFile, 'key') })
    : createHttpServer();
  const storage = await PostgresStorage.open({ url: options.databaseUrl, launchId: teamLaunchId(config) });
  let service: ConsoleService;
  let directory: TeamDirectory;
  try {
    directory = await TeamDirectory.open(storage.records('team-directory'), team, options.now);
    const known = directory;
    service = await ConsoleService.open({
      config,
      storage,
      streamToken: options.streamToken,
      routingToken: options.routingToken,
      splitterToken: options.splitterToken,
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.pushIntervalMs ? { pushIntervalMs: options.pushIntervalMs } : {}),
      ...(options.rehearsalToken ? { rehearsalToken: options.rehearsalToken } : {}),
      team: { permissions: team.actions, roleOf: (name) => known.roleOf(name) },
    });
  } catch (e) {
    await storage.close().catch(() => undefined);
    throw e;
  }
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'EADDRINUSE' ? new ConfigError(`port ${options.port ?? team.port} on ${team.host} is in use: choose another with --port or team.port`) : e),
      );
      server.listen(options.port ?? team.port, team.host, () => resolveListen());
    });
  } catch (e) {
    await service.stop();
    await storage.close().catch(() => undefined);
    throw e;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? team.port);
  const secure = teamIsSecure(team);
  const own = serverAddress(team.host, port, secure, team.publicUrl);
  const cookie = { name: cookieName(secure), secure };
  const refusals = new RefusalAudit((entry) => service.audit.append(entry).catch(() => undefined), options.now);
  const refused = (req: IncomingMessage, why: string) => refusals.record('nobody signed in', req.socket.remoteAddress ?? 'an unknown address', why, { path: (req.url ?? '').split('?')[0] ?? '' });
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
            await service.audit.append({ type: 'team', operator: who.name, summary: `${who.name} signed in as ${who.role}`, data: { role: who.role, until: new Date(who.endsAt).toISOString() } });
          },
          signedOut: async (name) => {
            await service.audit.append({ type: 'team', operator: name, summary: `${name} signed out`, data: {} });
          },
        });
        if (handled) return;
      }
      await serveStatic(req, res);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });
  const socket = attachTeamSocket(server, {
    address: own,
    directory,
    cookieName: cookie.name,
    dispatcherFor: (actor) => service.dispatcherFor(actor),
    subscribe: (listener) => service.onPush(listener),
    connected: (actor) => service.team.presence.connect(actor.connectionId, actor, Date.now()),
    disconnected: (actor) => service.team.presence.disconnect(actor.connectionId),
    refused,
  });
  const sweeper = setInterval(() => {
    directory.refresh().then(
      () => socket.sweep(),
      () => socket.sweep(),
    );
  }, SWEEP_MS);
  service.start();
  return {
    url: team.publicUrl ?? teamPublicUrl(team, port),
    port,
    service,
    directory,
    storage,
    close: async () => {
      clearInterval(sweeper);
      for (const client of socket.wss.clients) client.terminate();
      socket.wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      await service.stop();
      await storage.close();
    },
  };
}
