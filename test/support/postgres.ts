import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { freePort } from './relay-process.js';

/**
 * A throwaway PostgreSQL cluster for tests and the bench: Debian's binaries, initdb in a temporary
 * folder, one free port on 127.0.0.1, trust authentication (nothing else can reach it). PostgreSQL
 * refuses to run as root and CI runs as root, so there every command runs as the `postgres` user.
 * A cluster that does not start throws with its log: a test run without the database must fail,
 * never skip.
 */
export interface ThrowawayCluster {
  /** postgres://... for one database of the cluster (the maintenance database by default). */
  url(database?: string): string;
  readonly port: number;
  /** Makes an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** `immediate` kills the server as a crash would, so restarting replays the WAL. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

export interface ClusterOptions {
  /** Off only where durability is not what is measured: the server then never waits on the disk. */
  fsync?: boolean;
}

const SUPERUSER = 'postgres';

export async function startThrowawayCluster(options: ClusterOptions = {}): Promise<ThrowawayCluster> {
  const bin = findPostgresBin();
  const asRoot = process.getuid?.() === 0;
  const root = mkdtempSync(join(tmpdir(), 'launch-pg-'));
  const dataDir = join(root, 'data');
  const logFile = join(root, 'server.log');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const run = (tool: string, args: string[]) => runTool(asRoot, join(bin, tool), args);
  const port = await freePort();

  await run('initdb', ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']).catch((e: Error) => {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed: ${e.message}`);
  });
  appendFileSync(
    join(dataDir, 'postgresql.conf'),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${root}'`,
      'max_connections = 60',
      'shared_buffers = 16MB',
      `fsync = ${options.fsync === false ? 'off' : 'on'}`,
      '',
    ].join('\n'),
  );

  const start = async () => {
    await run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']).catch((e: Error) => {
      throw new Error(`PostgreSQL did not start on port ${port}: ${e.message}\n${tail(logFile)}`);
    });
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  // A test run killed before its teardown must not leave a server behind on a shared machine.
  const killOnExit = () => {
    const pid = postmasterPid(dataDir);
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  try {
    await start();
  } catch (e) {
    killOnExit();
    process.off('exit', killOnExit);
    throw e;
  }

  const url = (database = SUPERUSER) => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  return {
    url,
    port,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
    start,
    async destroy() {
      process.off('exit', killOnExit);
      try {
        if (postmasterPid(dataDir)) await stop('fast');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** Debian's versioned folders first (newest version), then whatever PATH offers. */
export function findPostgresBin(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'pg_ctl')) && existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH: install Debian\'s postgresql package (apt-get install -y postgresql)');
}

function runTool(asRoot: boolean, tool: string, args: string[]): Promise<string> {
  const [file, argv] = asRoot ? ['runuser', ['-u', SUPERUSER, '--', tool, ...args]] : [tool, args];
  return new Promise((resolve, reject) => {
    // The server inherits no pipe of ours, so pg_ctl returns once it is up instead of holding output open.
    execFile(file, argv, { encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${[file, ...argv].join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

function postmasterPid(dataDir: string): number | null {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function tail(file: string): string {
  if (!existsSync(file)) return '(no server log)';
  return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
}
