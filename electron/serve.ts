import { fileURLToPath } from 'node:url';
import { ConfigError } from '../shared/config.js';
import { parseFlags, resolveLaunchOptions } from './core/launch-options.js';
import { startConsoleServer } from './server/console-server.js';
import { RENDERER_DIR } from './web-host.js';

/** `npm run serve -- --config launch.json [--port N] [--data-dir DIR]`: the console server a team shares. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = resolveLaunchOptions(argv, process.env);
  const team = options.config.team;
  if (!team) throw new ConfigError(`${options.configPath ?? 'the built-in configuration'} has no "team" section: the console server needs one (see docs/team.md)`);
  const databaseUrl = process.env[team.databaseUrlEnv];
  if (!databaseUrl) throw new ConfigError(`set ${team.databaseUrlEnv} to the team's postgres:// URL (the password in PGPASSWORD or ~/.pgpass)`);
  const portFlag = parseFlags(argv).port;
  const server = await startConsoleServer({
    config: options.config,
    databaseUrl,
    rendererDir: RENDERER_DIR,
    streamToken: options.streamToken,
    routingToken: options.routingToken,
    splitterToken: options.splitterToken,
    ...(portFlag !== undefined ? { port: options.port } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  process.stdout.write(`Launch Console server at ${server.url} (launch "${options.config.launchName}"); add operators with npm run team -- add NAME --role ROLE\n`);
  const shutdown = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`console server: ${(e as Error).message}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}
