import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBridgeDispatcher } from './core/bridge-dispatch.js';
import { ConsoleService } from './core/console-service.js';
import { launchFolderName, resolveLaunchOptions, type LaunchOptions } from './core/launch-options.js';
import { attachBridgeSocket } from './web/bridge-socket.js';
import { createStaticHandler } from './web/static-files.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIR = join(projectRoot, 'dist', 'renderer');

export interface WebHost {
  url: string;
  token: string;
  service: ConsoleService;
  close(): Promise<void>;
}

/** Serves the renderer and the bridge on 127.0.0.1; the token is new at every start. */
export async function startWebHost(options: LaunchOptions, rendererDir = RENDERER_DIR): Promise<WebHost> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${rendererDir}/index.html missing): run npm run build`);
  }
  const token = randomBytes(24).toString('base64url');
  const serveStatic = createStaticHandler(rendererDir);
  const server: Server = createServer((req, res) => {
    void serveStatic(req, res);
  });
  // The port first: a console already running on it keeps sole charge of the data directory,
  // and no second engine re-sends its pending routing actions or appends to its audit log.
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
  let service: ConsoleService;
  try {
    service = new ConsoleService({
      config: options.config,
      dataDir: options.dataDir ?? join(process.cwd(), '.launch-data', launchFolderName(options.config.launchName)),
      streamToken: options.streamToken,
      routingToken: options.routingToken,
    });
  } catch (e) {
    await new Promise<void>((r) => server.close(() => r()));
    throw e;
  }
  const wss = attachBridgeSocket(server, token, createBridgeDispatcher(service.handlers), (l) => service.onPush(l));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  service.start();
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    token,
    service,
    close: async () => {
      service.stop();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
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
