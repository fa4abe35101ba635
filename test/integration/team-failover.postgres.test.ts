import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit.js';
import type { ConsoleSnapshot } from '../../shared/console-state.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { scanAuditLog } from '../../electron/core/audit/chain.js';
import { PostgresStorage } from '../../electron/core/storage/postgres/postgres-storage.js';
import { runTeamCli } from '../../electron/core/team/cli.js';
import { freshDatabase } from '../support/postgres-database.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { http, TeamWindow } from '../support/team-server.js';

/**
 * Two console-server instances as their own processes on one database, three operators' windows
 * spread over them, and the leader killed as a crash would kill it: mid-countdown.
 */

const LAUNCH_ID = 'failover-drill';
let sim: SimHandle;
let dir: string;
let configFile: string;
let databaseUrl: string;
let env: Record<string, string>;
const servers: ServerProcess[] = [];
const clients: TeamWindow[] = [];

async function team(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await runTeamCli([...args, '--config', configFile, '--database', databaseUrl, '--by', 'drill admin'], { out: (t) => (out += t), err: (t) => (err += t), env: {}, cwd: dir });
  if (code !== 0) throw new Error(err);
  return out;
}

async function signIn(name: string, role: string, at: ServerProcess): Promise<string> {
  const link = /https?:\/\/\S+\/signin\?code=(\S+)/.exec(await team(['add', name, '--role', role]))![1]!;
  const r = await http(at.port, 'POST', '/signin', { Origin: at.origin, 'Content-Type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ code: link }).toString());
  expect(r.status).toBe(303);
  return r.headers['set-cookie']![0]!.split(';')[0]!;
}

async function window(cookie: string, at: ServerProcess): Promise<TeamWindow> {
  const c = await TeamWindow.connect(at.port, cookie, at.origin);
  expect(c.closed).toBeNull();
  clients.push(c);
  return c;
}

async function auditEntries(): Promise<AuditEntry[]> {
  const storage = await PostgresStorage.open({ url: databaseUrl, launchId: LAUNCH_ID });
  const out: AuditEntry[] = [];
  try {
    const scan = await scanAuditLog(storage.records('audit'), (e) => out.push(e));
    expect(scan.ok).toBe(true);
  } finally {
    await storage.close();
  }
  return out;
}

const leaderOf = (s: ConsoleSnapshot) => s.team?.health?.leader ?? null;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, rate: 25, speed: 60, agentShare: 100 });
  dir = mkdtempSync(join(tmpdir(), 'lc-failover-'));
  databaseUrl = await freshDatabase(import.meta.filename);
  configFile = join(dir, 'launch.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      launchName: 'Failover drill',
      stream: { url: sim.url },
      routing: { baseUrl: sim.url },
      rules: [
        {
          id: 'latency',
          name: 'P95 turn latency over 1.2 s',
          kpi: 'turnLatencyP95',
          comparison: 'above',
          threshold: 1200,
          windowMin: 1,
          pendingMin: 0,
          minSample: 10,
          severity: 'critical',
          recommendedAction: { action: 'pause_ramp', text: 'Pause the ramp', autoAct: true, countdownSec: 25 },
        },
      ],
      team: { launchId: LAUNCH_ID },
    }),
  );
  env = { LAUNCH_DATABASE_URL: databaseUrl, LAUNCH_STREAM_TOKEN: sim.token, LAUNCH_ROUTING_TOKEN: sim.token, LAUNCH_DATA_DIR: join(dir, 'data') };
  servers.push(await startServerProcess(configFile, env));
  servers.push(await startServerProcess(configFile, env));
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('two console-server instances on one database', () => {
  let cookies: Record<string, string>;
  let leader: ServerProcess;
  let follower: ServerProcess;
  let onLeader: TeamWindow;
  let onFollower: TeamWindow[];

  it('elect one leader and serve every window the same launch', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    cookies = { Ada: await signIn('Ada', 'operator', a), Bo: await signIn('Bo', 'operator', b), Cy: await signIn('Cy', 'viewer', a) };
    const probeA = await window(cookies.Ada!, a);
    const probeB = await window(cookies.Bo!, b);
    const snapA = await probeA.waitFor((s) => leaderOf(s) !== null, 15_000);
    const snapB = await probeB.waitFor((s) => leaderOf(s) === leaderOf(snapA), 5_000);
    expect(snapA.team?.health?.instance).not.toBe(snapB.team?.health?.instance);
    const leaderIsA = leaderOf(snapA) === snapA.team?.health?.instance;
    [leader, follower] = leaderIsA ? [a, b] : [b, a];
    onLeader = leaderIsA ? probeA : probeB;
    onFollower = [leaderIsA ? probeB : probeA, await window(cookies.Cy!, follower)];
    await onFollower[1]!.invoke('team:presence', { screen: 'alerts' });
    const seen = await onLeader.waitFor((s) => (s.team?.present.find((p) => p.name === 'Cy')?.screens ?? []).includes('alerts'), 3000);
    expect(seen.team?.present.map((p) => p.name).sort()).toEqual(['Ada', 'Bo', 'Cy']);
  }, 60_000);

  it('carry a countdown over a leader killed mid-way, and act on it once', async () => {
    sim.setFault('latency-spike', true);
    const counting = await onFollower[0]!.waitFor((s) => s.alerts.countdowns.some((c) => c.ruleId === 'latency' && c.status === 'counting'), 30_000);
    const countdown = counting.alerts.countdowns.find((c) => c.ruleId === 'latency')!;
    const appliedBefore = sim.appliedActions;
    // Killed with most of the countdown still to run.
    expect(countdown.dueAt - Date.now()).toBeGreaterThan(10_000);
    const killedAt = Date.now();
    const oldLeader = leaderOf(counting);
    await leader.kill();
    const taken = await onFollower[0]!.waitFor((s) => leaderOf(s) !== null && leaderOf(s) !== oldLeader, 15_000);
    const failoverMs = Date.now() - killedAt;
    expect(failoverMs).toBeLessThan(10_000);
    const carried = taken.alerts.countdowns.find((c) => c.ruleId === 'latency');
    expect(carried?.episode).toBe(countdown.episode);
    expect(carried?.startedAt).toBe(countdown.startedAt);
    expect(['counting', 'paused']).toContain(carried?.status);

    const acted = await onFollower[0]!.waitFor((s) => s.alerts.countdowns.find((c) => c.ruleId === 'latency')?.status === 'due' || sim.appliedActions > appliedBefore, 60_000);
    expect(acted).toBeTruthy();
    await new Promise((r) => setTimeout(r, 3000));
    expect(sim.appliedActions - appliedBefore).toBe(1);
    expect(sim.routing().mode).not.toBe('normal');
    const entries = await auditEntries();
    expect(entries.filter((e) => e.summary.startsWith('Countdown for P95 turn latency over 1.2 s ended')).length).toBe(1);
    expect(entries.filter((e) => e.summary.startsWith('Automatic action countdown started for P95')).length).toBe(1);
  }, 120_000);

  it('a window of the killed instance continues on the other with the same session', async () => {
    const moved = await window(cookies.Ada!, follower);
    const me = await moved.invoke('team:me', {});
    expect(me).toMatchObject({ mode: 'team', name: 'Ada' });
    const snap = await moved.waitFor((s) => s.team?.health?.instance === s.team?.health?.leader, 5000);
    expect(snap.team?.present.some((p) => p.name === 'Ada')).toBe(true);
    expect(onLeader.closed).not.toBeNull();
  }, 30_000);
});
