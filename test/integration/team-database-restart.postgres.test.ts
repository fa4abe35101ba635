import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { scanAuditLog } from '../../electron/core/audit/chain.js';
import { startThrowawayCluster, type ThrowawayCluster } from '../support/postgres.js';
import { startTeamServer, type TeamWindow, type TeamFixture } from '../support/team-server.js';

/**
 * The team's database crashes mid-launch and comes back: what was acknowledged is all there, what
 * could not be saved was refused and said so, every window said the database was down, an
 * emergency action taken meanwhile acted alone and joined the team's log afterwards with its
 * original time and hash, and the launch goes on.
 */

let cluster: ThrowawayCluster;
let sim: SimHandle;
let t: TeamFixture;
const clients: TeamWindow[] = [];

beforeAll(async () => {
  // A cluster of its own: stopping the run's shared one would pull it from under other test files.
  cluster = await startThrowawayCluster();
  sim = await startSimulator({ seed: 3, rate: 5, agentShare: 100 });
  t = await startTeamServer({
    databaseUrl: await cluster.createDatabase('restart'),
    config: { stream: { url: sim.url }, routing: { baseUrl: sim.url } },
    server: { streamToken: sim.token, routingToken: sim.token },
  });
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await t?.close();
  await sim?.close();
  await cluster?.destroy();
});

async function entries(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  const scan = await scanAuditLog(t.server.storage.records('audit'), (e) => out.push(e));
  expect(scan.ok).toBe(true);
  return out;
}

describe('the team database restarted mid-launch', () => {
  it('loses nothing acknowledged, says so on every screen while down, and carries on', async () => {
    const olu = await t.connect(await t.signIn(await t.addOperator('Olu', 'operator')));
    const rae = await t.connect(await t.signIn(await t.addOperator('Rae', 'reviewer')));
    clients.push(olu, rae);
    const acknowledged: string[] = [];
    for (let n = 0; n < 5; n++) {
      const issue = await rae.invoke('known-issue:upsert', { title: `Issue before the crash ${n}` });
      acknowledged.push(issue.title);
    }

    await cluster.stop('immediate');
    const down = await olu.waitFor((s) => s.team?.health?.database.reachable === false, 10_000);
    expect(down.team?.health?.database.problem).toBeTruthy();
    await rae.waitFor((s) => s.team?.health?.database.reachable === false, 5_000);
    // Nothing can be saved: the reviewer is told, not shown it as kept.
    await expect(rae.invoke('known-issue:upsert', { title: 'Written while the database was down' })).rejects.toThrow(/database|connect|ECONNREFUSED|terminat/i);
    // The launch as last seen is still on screen, not claimed live.
    const seen = await olu.invoke('console:snapshot', {});
    expect(seen.launchName).toBeTruthy();
    expect(seen.stream.phase).not.toBe('live');
    expect(seen.team?.health?.actingAlone?.why).toMatch(/database cannot be reached/);
    // An emergency action still acts, alone, straight through the provider, read back.
    const appliedBefore = sim.appliedActions;
    const prepared = await olu.invoke('routing:prepare', { action: 'pause_ramp' });
    const paused = await olu.invoke('routing:execute', { intentId: prepared.intent.id, reason: 'latency climbing while the database is down' });
    expect(paused.status).toBe('verified');
    expect(paused.knownText).toMatch(/alone/i);
    expect(sim.appliedActions).toBe(appliedBefore + 1);
    await olu.waitFor((s) => s.team?.health?.journaledAlone === 1, 3000);
    // What changes the launch's course waits for the team.
    await expect(olu.invoke('routing:prepare', { action: 'rollback' })).rejects.toThrow(/Refused|only|alone/);
    await expect(rae.invoke('routing:prepare', { action: 'pause_ramp' })).rejects.toThrow(/reviewer/);

    await cluster.start();
    await olu.waitFor((s) => s.team?.health?.database.reachable === true && s.team.health.leader === t.server.instanceId, 30_000);
    const after = await rae.invoke('known-issue:upsert', { title: 'Issue after the restart' });
    acknowledged.push(after.title);

    // The action taken alone is now in the team's log, with its original time and hash, once.
    await olu.waitFor((s) => s.team?.health?.journaledAlone === 0, 15_000);
    const all = await entries();
    const alone = all.filter((e) => (e.data as { offline?: unknown }).offline !== undefined);
    expect(alone).toHaveLength(1);
    expect(alone[0]?.operator).toBe('Olu');
    expect(alone[0]?.summary).toMatch(/Taken while cut off from the team/);
    const offline = (alone[0]?.data as { offline: { ts: string; hash: string } }).offline;
    expect(Date.parse(offline.ts)).toBeLessThan(Date.parse(alone[0]!.ts));
    expect(offline.hash).toMatch(/^[0-9a-f]{64}$/);
    const kept = all.filter((e) => e.type === 'known_issue').map((e) => e.summary);
    for (const title of acknowledged) expect(kept.some((s) => s.includes(title))).toBe(true);
    expect(kept.some((s) => s.includes('Written while the database was down'))).toBe(false);
    const snap = await olu.invoke('console:snapshot', {});
    expect(snap.cadence.knownIssues.map((i) => i.title)).toEqual(expect.arrayContaining(acknowledged));
  }, 120_000);
});
