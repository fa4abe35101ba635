import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags, resolveLaunchOptions } from '../electron/core/launch-options.js';
import { DataDirLockedError, dataDirHolder } from '../electron/core/storage/data-dir-lock.js';
import { startWebHost } from '../electron/web-host.js';
import { startSimulator } from '../sim/server.js';
import { buildIfNeeded } from './build-if-needed.js';

/**
 * `npm start`: the console on the embedded launch simulator, with no other setup. Opens the
 * desktop app when Electron's binary is (or can be) installed, otherwise the web host, in
 * Chromium's app mode when Chromium is installed; the address is printed either way.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIM_PORT = Number(process.env.LAUNCH_SIM_PORT ?? 4100);

function electronBinary(): string | null {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  const installed = () => existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8')));
  if (installed()) return join(dir, 'dist', readFileSync(pathFile, 'utf8'));
  if (process.env.LAUNCH_CONSOLE_WEB === '1' || !existsSync(join(dir, 'install.js'))) return null;
  // Electron 42+ fetches its binary on first launch; a machine without internet falls back quietly.
  const fetched = spawnSync(process.execPath, [join(dir, 'install.js')], { stdio: 'ignore', timeout: 120_000 });
  return fetched.status === 0 && installed() ? join(dir, 'dist', readFileSync(pathFile, 'utf8')) : null;
}

function chromium(): string | null {
  for (const c of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (existsSync(c)) return c;
  return null;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dataDir = resolve(
    parseFlags(argv).dataDir ??
      process.env.LAUNCH_DATA_DIR ??
      // Each start plays a new simulated launch, so it gets fresh records (T0, reviews, alerts, audit).
      join(root, '.launch-data', `simulator-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  );
  // Refused before the simulator starts: the console that holds the folder is named at once.
  // The host started below takes the folder itself (the desktop app in its own process).
  const holder = dataDirHolder(dataDir);
  if (holder) throw new DataDirLockedError(dataDir, holder);
  buildIfNeeded(root);
  const sim = await startSimulator({ port: SIM_PORT, seed: 7, rate: 2, speed: 1 });
  process.stdout.write(`Launch simulator at ${sim.url} (stream and routing provider)\n`);
  const env = {
    ...process.env,
    LAUNCH_CONFIG: process.env.LAUNCH_CONFIG ?? join(root, 'config', 'simulator.launch.json'),
    LAUNCH_DATA_DIR: dataDir,
    LAUNCH_STREAM_URL: process.env.LAUNCH_STREAM_URL ?? sim.url,
    LAUNCH_ROUTING_URL: process.env.LAUNCH_ROUTING_URL ?? sim.url,
    LAUNCH_ROUTING_TOKEN: process.env.LAUNCH_ROUTING_TOKEN ?? sim.token,
  };

  const electron = electronBinary();
  if (electron && (process.env.DISPLAY || process.platform !== 'linux')) {
    const child = spawn(electron, [join(root, 'dist', 'electron', 'main.js'), ...argv], {
      stdio: 'inherit',
      env,
    });
    process.stdout.write('Launch Console opened in its desktop window\n');
    child.on('exit', (code) => void sim.close().then(() => process.exit(code ?? 0)));
    return;
  }

  const host = await startWebHost(resolveLaunchOptions(argv, env));
  process.stdout.write(`Launch Console at ${host.url}\n`);
  const browser = chromium();
  if (browser && process.env.DISPLAY && process.env.LAUNCH_CONSOLE_NO_BROWSER !== '1') {
    const userDir = join(root, '.launch-data', 'chromium-profile');
    spawn(browser, [`--app=${host.url}`, `--user-data-dir=${userDir}`, '--no-first-run', '--disable-background-networking'], {
      stdio: 'ignore',
      detached: true,
    }).unref();
  }
  const shutdown = () => void Promise.all([host.close(), sim.close()]).then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`npm start: ${(e as Error).message}\n`);
  process.exit(1);
});
