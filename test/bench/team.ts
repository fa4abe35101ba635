/**
 * Team mode on loopback with a throwaway PostgreSQL cluster: how long one operator's change takes
 * to reach every other operator's window (20 windows on one server, then 20 spread over two
 * instances, the change made at the one that does not lead), and how long a leader killed with
 * SIGKILL leaves the launch without one. Prints figures; never asserts on them.
 *
 *   npx tsx test/bench/team.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LaunchConfigSchema } from '../../shared/config.js';
import { runTeamCli } from '../../electron/core/team/cli.js';
import { startConsoleServer, type ConsoleServer } from '../../electron/server/console-server.js';
import { startSimulator } from '../../sim/server.js';
import { startThrowawayCluster } from '../support/postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { http, TeamWindow } from '../support/team-server.js';

const WINDOWS = 20;
const CHANGES = 25;
const FAILOVERS = 3;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

interface Launch {
  dir: string;
  configFile: string;
  raw: Record<string, unknown>;
  url: string;
  signIn(name: string, port: number): Promise<string>;
}

async function launch(url: string, simUrl: string): Promise<Launch> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-bench-team-'));
  const configFile = join(dir, 'launch.json');
  const raw = { launchName: 'Bench launch', stream: { url: simUrl }, routing: { baseUrl: simUrl }, team: { launchId: 'bench' } };
  writeFileSync(configFile, JSON.stringify(raw));
  const cli = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runTeamCli([...args, '--config', configFile, '--database', url, '--by', 'bench'], { out: (t) => (out += t), err: (t) => (err += t), env: {}, cwd: dir });
    if (code !== 0) throw new Error(err);
    return out;
  };
  return {
    dir,
    configFile,
    raw,
    url,
    signIn: async (name, port) => {
      const code = /signin\?code=(\S+)/.exec(await cli(['add', name, '--role', 'operator']))![1]!;
      const origin = `http://127.0.0.1:${port}`;
      const r = await http(port, 'POST', '/signin', { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ code }).toString());
      return r.headers['set-cookie']![0]!.split(';')[0]!;
    },
  };
}

/** One operator changes the launch (a known issue) again and again; every window's arrival is timed. */
async function propagation(windows: TeamWindow[], actor: TeamWindow, tag: string): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const title = `${tag} ${i}`;
    const started = performance.now();
    const arrivals = windows
      .filter((w) => w !== actor)
      .map((w) => w.waitFor((s) => s.cadence.knownIssues.some((k) => k.title === title), 10_000).then(() => performance.now() - started));
    await actor.invoke('known-issue:upsert', { title });
    delays.push(...(await Promise.all(arrivals)));
  }
  return delays.sort((a, b) => a - b);
}

async function inProcess(l: Launch, simToken: string, instanceId: string): Promise<ConsoleServer> {
  return startConsoleServer({
    config: LaunchConfigSchema.parse({ ...l.raw, team: { launchId: 'bench', port: 0 } }),
    databaseUrl: l.url,
    rendererDir: join(l.dir),
    streamToken: simToken,
    routingToken: simToken,
    instanceId,
    dataDir: join(l.dir, `data-${instanceId}`),
  });
}

export async function benchTeam(): Promise<Record<string, number>> {
  const cluster = await startThrowawayCluster();
  const sim = await startSimulator({ seed: 4, rate: 5, agentShare: 100 });
  const opened: { close(): unknown }[] = [];
  const dirs: string[] = [];
  try {
    // One server, 20 windows.
    const one = await launch(await cluster.createDatabase('one'), sim.url);
    dirs.push(one.dir);
    writeFileSync(join(one.dir, 'index.html'), '<!doctype html>');
    const server = await inProcess(one, sim.token, 'solo');
    opened.push({ close: () => server.close() });
    await server.whenLeading();
    const solo: TeamWindow[] = [];
    for (let i = 0; i < WINDOWS; i++) solo.push(await TeamWindow.connect(server.port, await one.signIn(`op${i}`, server.port), `http://127.0.0.1:${server.port}`));
    const single = await propagation(solo, solo[0]!, 'solo');
    for (const w of solo) w.close();

    // Two instances, 10 windows each; the changes are made at the instance that does not lead.
    const two = await launch(await cluster.createDatabase('two'), sim.url);
    dirs.push(two.dir);
    writeFileSync(join(two.dir, 'index.html'), '<!doctype html>');
    const a = await inProcess(two, sim.token, 'a');
    opened.push({ close: () => a.close() });
    await a.whenLeading();
    const b = await inProcess(two, sim.token, 'b');
    opened.push({ close: () => b.close() });
    const spread: TeamWindow[] = [];
    for (let i = 0; i < WINDOWS; i++) {
      const at = i % 2 === 0 ? a : b;
      spread.push(await TeamWindow.connect(at.port, await two.signIn(`op${i}`, at.port), `http://127.0.0.1:${at.port}`));
    }
    await spread[1]!.waitFor((s) => s.team?.health?.leader === 'a', 10_000);
    const across = await propagation(spread, spread[1]!, 'across');
    for (const w of spread) w.close();

    // Leader failover: two server processes, the leader killed with SIGKILL, timed until the other leads.
    const three = await launch(await cluster.createDatabase('three'), sim.url);
    dirs.push(three.dir);
    const env = { LAUNCH_DATABASE_URL: three.url, LAUNCH_STREAM_TOKEN: sim.token, LAUNCH_ROUTING_TOKEN: sim.token, LAUNCH_DATA_DIR: join(three.dir, 'data') };
    const procs: ServerProcess[] = [await startServerProcess(three.configFile, env), await startServerProcess(three.configFile, env)];
    opened.push({ close: () => Promise.all(procs.map((p) => p.stop())) });
    const failovers: number[] = [];
    const cookie = await three.signIn('watcher', procs[0]!.port);
    for (let round = 0; round < FAILOVERS; round++) {
      const watchers = await Promise.all(procs.map((p) => TeamWindow.connect(p.port, cookie, p.origin)));
      const snap = await watchers[0]!.waitFor((s) => Boolean(s.team?.health?.leader), 20_000);
      const leaderId = snap.team!.health!.leader!;
      const instances = await Promise.all(watchers.map((w) => w.waitFor((s) => s.team?.health?.instance !== undefined)));
      const leaderIndex = instances.findIndex((s) => s.team?.health?.instance === leaderId);
      const survivor = watchers[1 - leaderIndex]!;
      const killedAt = performance.now();
      await procs[leaderIndex]!.kill();
      await survivor.waitFor((s) => s.team?.health?.leader === s.team?.health?.instance, 30_000);
      failovers.push(performance.now() - killedAt);
      for (const w of watchers) w.close();
      procs[leaderIndex] = await startServerProcess(three.configFile, env);
    }
    failovers.sort((x, y) => x - y);
    return {
      windows: WINDOWS,
      changes: CHANGES,
      propagationP50Ms: Math.round(percentile(single, 0.5)),
      propagationP95Ms: Math.round(percentile(single, 0.95)),
      acrossInstancesP50Ms: Math.round(percentile(across, 0.5)),
      acrossInstancesP95Ms: Math.round(percentile(across, 0.95)),
      failovers: FAILOVERS,
      failoverMedianMs: Math.round(percentile(failovers, 0.5)),
      failoverMaxMs: Math.round(failovers.at(-1) ?? Number.NaN),
    };
  } finally {
    for (const o of opened.reverse()) await o.close();
    await sim.close();
    await cluster.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await benchTeam());
  process.exit(0);
}
