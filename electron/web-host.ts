import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsoleService } from './core/console-service.js';
import { launchFolderName, resolveLaunchOptions, type LaunchOptions } from './core/launch-options.js';
import { acquireDataDirLock } from './core/storage/data-dir-lock.js';
import { attachBridgeSocket } from './web/bridge-socket.js';
import { localAddress } from './web/local-address.js';
import { createStaticHandler } from './web/static-files.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIR = join(projectRoot, 'dist', 'renderer');

export interface WebHost {
  url: string;
  token: string;
  service: ConsoleService;
  dataDir: string;
  close(): Promise<void>;
}

/** Serves the renderer and the bridge on 127.0.0.1; the token is new at every start. */
export async function startWebHost(options: LaunchOptions, rendererDir = RENDERER_DIR): Promise<WebHost> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${rendererDir}/index.html missing): run npm run build`);
  }
  const token = randomBytes(24).toString('base64url');
  const dataDir = options.dataDir ?? join(process.cwd(), '.launch-data', launchFolderName(options.config.launchName));
  // The folder first: a console already writing there keeps sole charge of its audit log and
  // pending routing actions, whichever port it serves on.
  const lock = acquireDataDirLock(dataDir, 'web host');
  const server: Server = createServer();
  const closeServer = () => new Promise<void>((r) => server.close(() => r()));
  let service: ConsoleService;
  let port: number;
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new Error(`port ${options.port} on 127.0.0.1 is in use (another console already running?); choose another with --port`)
            : e,
        ),
      );
      server.listen(options.port, '127.0.0.1', () => resolveListen());
    });
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : options.port;
    service = await ConsoleService.open({
      config: options.config,
      dataDir,
      streamToken: options.streamToken,
      routingToken: options.routingToken,
      splitterToken: options.splitterToken,
    });
  } catch (e) {
    if (server.listening) await closeServer();
    lock.release();
    throw e;
  }
  const own = localAddress(port);
  const serveStatic = createStaticHandler(rendererDir, own.isOwnHost);
  server.on('request', (req, res) => void serveStatic(req, res));
  const wss = attachBridgeSocket(server, token, own, service.dispatcherFor(null), (l) => service.onPush(l));
  service.start();
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    token,
    service,
    dataDir,
    close: async () => {
      await service.stop();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await closeServer();
      lock.release();
    },
  };
}

async function main(): Promise<void> {
  let options: LaunchOptions;
  try {
    options = resolveLaunchOptions(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`launch console: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const host = await startWebHost(options);
  process.stdout.write(`Launch Console at ${host.url}\n`);
  const shutdown = () => void host.close().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`launch console: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
