import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionIntent } from '../../shared/actions.js';
import type { AuditEntry } from '../../shared/audit.js';
import type { ConsolePush } from '../../shared/bridge.js';
import type { ConsoleSnapshot } from '../../shared/console-state.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { TeamClient as DeskClient, type TeamLinkState } from '../../electron/core/alone/team-client.js';
import { signInWithLink, type DeskSession } from '../../electron/core/alone/desk-sign-in.js';
import { MERGED_MARK_FILE } from '../../electron/core/alone/alone-journal.js';
import { scanAuditChain, scanAuditLog } from '../../electron/core/audit/chain.js';
import { runAuditCli } from '../../electron/core/audit/cli.js';
import { RoutingProviderError, type RoutingProvider } from '../../electron/core/routing/provider.js';
import { routingProviderFor } from '../../electron/core/routing/providers/from-config.js';
import { freshDatabase } from '../support/postgres-database.js';
import { startTeamServer, TeamWindow as BrowserWindowClient, type TeamFixture } from '../support/team-server.js';
import { RestartableTeamServer } from '../support/team-server-restart.js';

/**
 * The laptop that can still pause when the team server is gone: a desk signed in to a team
 * server, the server cut, the desk acting alone straight through the routing provider (the real
 * simulator), refused what its operator's role or the moment does not allow, restarted, and
 * merged into the team's audit log once the server is back, once, verifiably.
 */

let sim: SimHandle;
let t: TeamFixture;
let server: RestartableTeamServer;
let databaseUrl: string;
const sessions: Record<string, DeskSession> = {};
const desks: Record<string, DeskClient> = {};
const dirs: Record<string, string> = {};
const pushes: Record<string, ConsolePush[]> = {};
const windows: BrowserWindowClient[] = [];
const made: string[] = [];
let readBackFails = false;

const INTENTS = ['billing', 'orders', 'talk_to_human'];

function simProvider(): RoutingProvider {
  return routingProviderFor(t.config.routing, { token: sim.token }, t.config.intents);
}

/** A provider that sends for real but whose reads fail while `readBackFails` is set: nothing may then be called verified. */
function blindProvider(): RoutingProvider {
  const real = simProvider();
  return {
    capabilities: real.capabilities,
    applyAction: (req, key, signal) => real.applyAction(req, key, signal),
    getState: (signal) => (readBackFails ? Promise.reject(new RoutingProviderError('GET /routing: the connection failed before a reply (ECONNRESET)', 'network', true)) : real.getState(signal)),
  };
}

async function openDesk(name: string, provider: RoutingProvider = simProvider()): Promise<DeskClient> {
  dirs[name] ??= mkdtempSync(join(tmpdir(), `lc-desk-${name.toLowerCase()}-`));
  made.push(dirs[name]);
  const session = sessions[name]!;
  const desk = await DeskClient.open({
    serverUrl: session.serverUrl,
    cookie: session.cookie,
    config: t.config,
    provider,
    aloneDir: dirs[name],
    desk: `${name.toLowerCase()}-laptop`,
    graceMs: 800,
    reconnectBaseMs: 100,
    reconnectMaxMs: 400,
    pushIntervalMs: 100,
    providerPollMs: 500,
    secrets: [sim.token],
    log: (line) => process.env.DESK_LOG && console.error(`[${name}] ${line}`),
  });
  pushes[name] = [];
  desk.onPush((p) => pushes[name]!.push(p));
  desks[name] = desk;
  return desk;
}

async function waitState(desk: DeskClient, state: TeamLinkState, timeoutMs = 8000): Promise<void> {
  await expect.poll(() => desk.status().state, { timeout: timeoutMs, interval: 25 }).toBe(state);
}

function lastSnapshot(name: string): ConsoleSnapshot | null {
  const found = pushes[name]!.filter((p) => p.kind === 'snapshot').at(-1);
  return found?.kind === 'snapshot' ? found.snapshot : null;
}

function notifications(name: string): string[] {
  return pushes[name]!.flatMap((p) => (p.kind === 'notification' ? [p.id] : []));
}

async function teamLog(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  const scan = await scanAuditLog(server.running.storage.records('audit'), (e) => out.push(e));
  expect(scan.ok, scan.reason).toBe(true);
  return out;
}

function offlineOf(e: AuditEntry): { journalId: string; seq: number; ts: string; hash: string; prevHash: string; desk: string } | null {
  return ((e.data as { offline?: unknown }).offline as ReturnType<typeof offlineOf>) ?? null;
}

/** Confirms an action the way the emergency panel does: prepare, then execute the prepared intent. */
async function act(desk: DeskClient, request: { action: 'pause_ramp' | 'route_fallback' | 'stop_all' | 'rollback' | 'resume'; intents?: string[] }, reason?: string) {
  const prepared = await desk.invoke('routing:prepare', request);
  return desk.invoke('routing:execute', { intentId: prepared.intent.id, ...(reason ? { reason } : {}) });
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 41, rate: 5, agentShare: 100, intents: INTENTS });
  databaseUrl = await freshDatabase(import.meta.filename);
  t = await startTeamServer({
    databaseUrl,
    config: { stream: { url: sim.url }, routing: { baseUrl: sim.url, retries: 1, timeoutMs: 1500 }, intents: INTENTS },
    // Stopping everything is an admin's call on this launch: alone as with the team.
    team: { actions: { stop_all: ['admin'] } },
    server: { streamToken: sim.token, routingToken: sim.token },
  });
  server = new RestartableTeamServer(t, { streamToken: sim.token, routingToken: sim.token });
  for (const [name, role] of [
    ['Olu', 'operator'],
    ['Vic', 'viewer'],
    ['Ada', 'admin'],
    ['Rae', 'reviewer'],
  ] as const) {
    sessions[name] = await signInWithLink(await t.addOperator(name, role));
  }
}, 60_000);

afterAll(async () => {
  for (const d of Object.values(desks)) await d.close().catch(() => undefined);
  for (const w of windows) w.close();
  await server?.close();
  await sim?.close();
  for (const d of new Set(made)) rmSync(d, { recursive: true, force: true });
});

describe('a desk signed in to the team server', () => {
  it('signs in with its link as a browser does, the link then spent, and works through the server', async () => {
    expect(sessions.Olu!.cookie).toMatch(/^launch-console-session=[^;]+$/);
    expect(sessions.Olu!.serverUrl).toBe(t.origin);
    expect(sessions.Olu!.expiresAt).toBeGreaterThan(Date.now());
    const link = await t.addOperator('Sam', 'viewer');
    await signInWithLink(link);
    await expect(signInWithLink(link)).rejects.toThrow(/refused the sign-in \(403\)/);
    await expect(signInWithLink(`${t.origin}/signin`)).rejects.toThrow(/no sign-in code/);

    const olu = await openDesk('Olu');
    await openDesk('Vic');
    await openDesk('Ada', blindProvider());
    await Promise.all(['Olu', 'Vic', 'Ada'].map((n) => waitState(desks[n]!, 'connected')));
    const me = await olu.invoke('team:me', {});
    expect(me).toMatchObject({ mode: 'team', name: 'Olu', role: 'operator' });
    expect(me.mode === 'team' && me.actions).toEqual(expect.arrayContaining(['pause_ramp', 'route_fallback']));
    expect(me.mode === 'team' && me.actions).not.toContain('stop_all');
    await expect.poll(() => lastSnapshot('Olu')?.launchName, { timeout: 3000 }).toBeTruthy();
    // Connected, snapshots are the server's: live, and nobody acting alone.
    expect(lastSnapshot('Olu')?.team?.health?.actingAlone ?? null).toBeNull();
    // Who each desk is, kept on the desk for a restart while the server is away.
    await expect.poll(() => olu.lastKnown().me?.name).toBe('Olu');
    await expect.poll(() => desks.Vic!.lastKnown().me?.role).toBe('viewer');
  });
});

describe('the server cut', () => {
  it('reconnects for a few seconds, then acts alone and says so, never calling the figures live', async () => {
    const olu = desks.Olu!;
    const cutAt = Date.now();
    await server.cut();
    await expect.poll(() => olu.status().state, { timeout: 2000, interval: 10 }).toBe('reconnecting');
    await waitState(olu, 'alone');
    const status = olu.status();
    expect(status.lost?.why).toMatch(/refused|closed/);
    expect(status.lost!.since).toBeGreaterThanOrEqual(cutAt - 50);
    expect(status.attempts).toBeGreaterThan(0);
    expect(notifications('Olu')).toEqual(expect.arrayContaining(['team-server-lost', 'acting-alone']));
    await expect.poll(() => lastSnapshot('Olu')?.team?.health?.actingAlone?.since).toBe(status.lost!.since);
    const snap = lastSnapshot('Olu')!;
    expect(snap.stream.phase).toBe('disconnected');
    expect(snap.stream.lastError).toMatch(/unreachable since .* not live/);
    // Only the three alone actions are offered.
    expect(snap.actions.capabilities.actions.sort()).toEqual(['pause_ramp', 'route_fallback', 'stop_all']);
    // A snapshot asked for says the same as the pushed ones.
    const asked = await olu.invoke('console:snapshot', {});
    expect(asked.team?.health?.actingAlone).toMatchObject({ since: status.lost!.since });
    expect(asked.stream.phase).not.toBe('live');
    await Promise.all([waitState(desks.Vic!, 'alone'), waitState(desks.Ada!, 'alone')]);
  });

  it('pauses the ramp and routes to fallback straight through the provider, each read back and journaled', async () => {
    const olu = desks.Olu!;
    const applied = sim.appliedActions;
    const pause = await act(olu, { action: 'pause_ramp' }, 'p95 over target and the team server is down');
    expect(pause.status).toBe('verified');
    expect(pause.knownText).toMatch(/^Acting alone \(the team server unreachable since \d\d:\d\d:\d\d UTC\): Applied, verified by read-back/);
    expect(pause.readBack?.mode).toBe('paused');
    expect(pause.request.operator).toBe('Olu');
    expect(sim.routing().mode).toBe('paused');
    const fallback = await act(olu, { action: 'route_fallback', intents: ['billing'] });
    expect(fallback.status).toBe('verified');
    expect(fallback.readBack?.intents.billing).toBe('fallback');
    expect(sim.appliedActions).toBe(applied + 2);

    const journal = await olu.journal.entries();
    expect(journal).toHaveLength(2);
    for (const [i, e] of journal.entries()) {
      expect(e.operator).toBe('Olu');
      expect(e.type).toBe('action');
      expect(e.summary).toMatch(/Taken alone by Olu \(operator\) on olu-laptop: the team server unreachable since .*Z \(/);
      const alone = (e.data as { alone: { since: string; why: string; readBack: { mode: string } | null; desk: string } }).alone;
      expect(alone.desk).toBe('olu-laptop');
      expect(Date.parse(alone.since)).toBe(olu.status().lost!.since);
      expect(alone.readBack).toEqual(i === 0 ? pause.readBack : fallback.readBack);
      expect(JSON.stringify(e)).not.toContain(sim.token);
    }
    expect((journal[0]!.data as { request: { reason: string } }).request.reason).toContain('team server is down');
    expect(scanAuditChain(olu.journal.location).ok).toBe(true);
    // The screen shows it: the outcome, the provider's state read from this desk, the count waiting to be merged.
    await expect.poll(() => lastSnapshot('Olu')?.team?.health?.journaledAlone).toBe(2);
    const snap = lastSnapshot('Olu')!;
    expect(snap.actions.lastOutcome?.intentId).toBe(fallback.intentId);
    expect(snap.routing).toMatchObject({ source: 'provider', state: { mode: 'paused' } });
    // The desk's journal is what the audit view shows while alone.
    expect((await olu.invoke('audit:list', {})).map((e) => e.hash)).toEqual(journal.map((e) => e.hash));
  });

  it('never says Verified without a read-back that shows the change', async () => {
    const ada = desks.Ada!;
    readBackFails = true;
    try {
      const outcome = await act(ada, { action: 'pause_ramp' });
      expect(outcome.status).toBe('unverified');
      expect(outcome.knownText).toMatch(/^Acting alone .*read-back failed: NOT verified/);
      expect(outcome.readBack).toBeUndefined();
      const [entry] = await ada.journal.entries();
      expect((entry!.data as { status: string }).status).toBe('unverified');
      expect(entry!.summary).toMatch(/Taken alone by Ada \(admin\)/);
    } finally {
      readBackFails = false;
    }
  });

  it('refuses before sending whatever the role, the launch configuration or the moment does not allow', async () => {
    const olu = desks.Olu!;
    const vic = desks.Vic!;
    const ada = desks.Ada!;
    const applied = sim.appliedActions;
    const journaled = olu.journal.unmergedCount;
    // A viewer may trigger nothing, alone or not.
    for (const action of ['pause_ramp', 'route_fallback', 'stop_all'] as const) {
      await expect(act(vic, { action })).rejects.toThrow(/Refused: the launch configuration does not let a viewer trigger .*Nothing was sent/);
    }
    // This launch lets admins alone stop everything.
    await expect(act(olu, { action: 'stop_all' })).rejects.toThrow(/does not let an operator trigger Stop all \(team\.actions\.stop_all/);
    // What is not an emergency brake waits for the team, whoever asks.
    for (const desk of [olu, ada]) {
      await expect(act(desk, { action: 'rollback' })).rejects.toThrow(/Roll back: the team server is unreachable: only Pause ramp, Route to fallback and Stop all/);
      await expect(act(desk, { action: 'resume' })).rejects.toThrow(/Resume: the team server is unreachable/);
    }
    // Other writes are refused saying why; reads that need the server say so.
    await expect(olu.invoke('cadence:set-t0', { t0: new Date().toISOString() })).rejects.toThrow(/cadence:set-t0: the team server is unreachable: only Pause ramp, Route to fallback and Stop all can be taken from this desk alone/);
    await expect(olu.invoke('known-issue:upsert', { title: 'x' })).rejects.toThrow(/only Pause ramp/);
    await expect(olu.invoke('sampling:sessions', {})).rejects.toThrow(/team server is unreachable since .* and this needs it/);
    await expect(olu.invoke('team:merge-offline', { journalId: olu.journal.journalId, desk: 'x', entries: await olu.journal.entries() })).rejects.toThrow(/only Pause ramp/);
    // A confirm prepared by the team server before the cut is not sent alone under its id.
    await expect(olu.invoke('routing:execute', { intentId: randomUUID() })).rejects.toThrow(/was prepared on this desk alone/);
    // A desk that never heard from the server who is signed in on it cannot act alone.
    const rae = await openDesk('Rae');
    await waitState(rae, 'alone');
    await expect(act(rae, { action: 'pause_ramp' })).rejects.toThrow(/no word from the team server on who is signed in here/);
    expect(sim.appliedActions).toBe(applied);
    expect(olu.journal.unmergedCount).toBe(journaled);
    expect(await vic.journal.entries()).toEqual([]);
  });

  it('a restart of the desk app while alone loses nothing and sends nothing again', async () => {
    let olu = desks.Olu!;
    const before = await olu.journal.entries();
    const journalId = olu.journal.journalId;
    await olu.close();
    // The app stopped in the middle of two confirms: one had reached the provider, one had not.
    const operator = 'Olu';
    const sent: ActionIntent = { id: randomUUID(), idempotencyKey: randomUUID(), req: { action: 'route_fallback', operator, intents: ['orders'] }, createdAt: Date.now(), before: sim.routing() };
    const unsent: ActionIntent = { id: randomUUID(), idempotencyKey: randomUUID(), req: { action: 'route_fallback', operator, intents: ['talk_to_human'] }, createdAt: Date.now(), before: sim.routing() };
    await simProvider().applyAction(sent.req, sent.idempotencyKey);
    writeFileSync(join(dirs.Olu!, 'pending-actions.json'), JSON.stringify({ pending: [sent, unsent] }));
    const applied = sim.appliedActions;

    olu = await openDesk('Olu');
    expect(olu.journal.journalId).toBe(journalId);
    await olu.alone.whenResumed();
    const after = await olu.journal.entries();
    expect(after.slice(0, before.length).map((e) => e.hash)).toEqual(before.map((e) => e.hash));
    const settled = after.slice(before.length);
    expect(settled.map((e) => [(e.data as { intentId: string }).intentId, (e.data as { status: string }).status])).toEqual([
      [sent.id, 'verified'],
      [unsent.id, 'failed'],
    ]);
    expect(settled[1]!.summary).toMatch(/Not re-sent after the restart .*NOT in place/);
    expect(settled.every((e) => (e.data as { alone: { settledAfterRestart?: boolean } }).alone.settledAfterRestart)).toBe(true);
    expect(sim.appliedActions).toBe(applied);
    expect(JSON.parse(readFileSync(join(dirs.Olu!, 'pending-actions.json'), 'utf8'))).toEqual({ pending: [] });

    // Still cut off: the desk acts alone again, its operator known from before the restart.
    await waitState(olu, 'alone');
    const again = await act(olu, { action: 'route_fallback', intents: ['talk_to_human'] });
    expect(again.status).toBe('verified');
    expect(sim.appliedActions).toBe(applied + 1);
    expect(olu.journal.unmergedCount).toBe(before.length + 3);
    expect(scanAuditChain(olu.journal.location).ok).toBe(true);
  });
});

describe('the server back', () => {
  it('each desk reconnects on its own and merges; the team log keeps original times and hashes, chain verified, seen at once by the others', async () => {
    const olu = desks.Olu!;
    const ada = desks.Ada!;
    const local = await olu.journal.entries();
    const adaLocal = await ada.journal.entries();
    const restarted = await server.restart();
    const browser = await BrowserWindowClient.connect(restarted.port, sessions.Ada!.cookie, t.origin);
    windows.push(browser);
    await Promise.all([olu.whenMerged(15_000), ada.whenMerged(15_000)]);
    expect(olu.status()).toMatchObject({ state: 'connected', lost: null, journaledAlone: 0 });
    expect(notifications('Olu')).toEqual(expect.arrayContaining(['team-server-back', 'alone-merged']));

    const log = await teamLog();
    for (const [desk, entries] of [
      [olu, local],
      [ada, adaLocal],
    ] as const) {
      const merged = log.filter((e) => offlineOf(e)?.journalId === desk.journal.journalId);
      expect(merged.map((e) => offlineOf(e)!.seq)).toEqual(entries.map((e) => e.seq));
      for (const [i, e] of merged.entries()) {
        const original = entries[i]!;
        expect(offlineOf(e)).toMatchObject({ ts: original.ts, hash: original.hash, prevHash: original.prevHash });
        expect(e.operator).toBe(original.operator);
        expect(e.summary).toContain(`Taken while cut off from the team, on ${offlineOf(e)!.desk} at ${original.ts}: ${original.summary}`);
        expect((e.data as { alone: unknown }).alone).toEqual((original.data as { alone: unknown }).alone);
      }
    }
    // The chain as the audit command checks it.
    let out = '';
    const code = await runAuditCli(['verify', '--database', databaseUrl], { out: (s) => (out += s), err: (s) => (out += s) });
    expect(out).toMatch(/^OK: \d+ entries, chain intact/);
    expect(code).toBe(0);
    // Another operator's screen has them as soon as the desk was told they are in.
    const seen = await browser.invoke('audit:list', { text: olu.journal.journalId });
    expect(seen.map((e) => offlineOf(e)!.hash)).toEqual(local.map((e) => e.hash));
    // The desk's journal mark moved to its last entry, kept on disk.
    expect(olu.journal.mergedUpTo.seq).toBe(local.at(-1)!.seq);
    expect(JSON.parse(readFileSync(join(dirs.Olu!, MERGED_MARK_FILE), 'utf8'))).toMatchObject({ journalId: olu.journal.journalId, seq: local.at(-1)!.seq });
  });

  it('merging again appends nothing: sent by hand, after a lost mark, after a restart of the desk', async () => {
    let olu = desks.Olu!;
    // Only this journal's entries are counted: the server audits other things (alerts) meanwhile.
    const mergedOf = async () => (await teamLog()).filter((e) => offlineOf(e)?.journalId === olu.journal.journalId).length;
    const count = await mergedOf();
    const entries = await olu.journal.entries();
    const again = await olu.invoke('team:merge-offline', { journalId: olu.journal.journalId, desk: 'olu-laptop', entries });
    expect(again).toMatchObject({ merged: 0, already: entries.length });
    // A journal changed after it was merged is refused, and nothing is appended.
    const changed = entries.map((e, i) => (i === entries.length - 1 ? { ...e, hash: 'f'.repeat(64) } : e));
    await expect(olu.invoke('team:merge-offline', { journalId: olu.journal.journalId, desk: 'olu-laptop', entries: changed })).rejects.toThrow(/changed/);
    // The mark lost (a crash before it was written): the desk sends everything again on its own.
    await olu.close();
    unlinkSync(join(dirs.Olu!, MERGED_MARK_FILE));
    olu = await openDesk('Olu');
    expect(olu.journal.unmergedCount).toBe(entries.length);
    await olu.whenMerged(15_000);
    expect(existsSync(join(dirs.Olu!, MERGED_MARK_FILE))).toBe(true);
    // And a plain restart sends nothing.
    await olu.close();
    olu = await openDesk('Olu');
    await waitState(olu, 'connected');
    expect(olu.journal.unmergedCount).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mergedOf()).toBe(count);
    expect(count).toBe(entries.length);
  });

  it('back with the team, writes go through the server again', async () => {
    const olu = desks.Olu!;
    await waitState(olu, 'connected');
    const prepared = await olu.invoke('routing:prepare', { action: 'resume' });
    expect(prepared.intent.req).toMatchObject({ action: 'resume', operator: 'Olu' });
    await expect.poll(() => lastSnapshot('Olu')?.stream.lastError ?? '').not.toMatch(/unreachable/);
    expect(lastSnapshot('Olu')?.team?.health?.actingAlone ?? null).toBeNull();
  });

  it('a revoked session does not act alone: the desk is signed out, not cut off', async () => {
    const vic = desks.Vic!;
    await waitState(vic, 'connected');
    const from = pushes.Vic!.length;
    expect((await t.team(['revoke', 'Vic'])).code).toBe(0);
    await waitState(vic, 'signed-out', 10_000);
    await expect(vic.invoke('routing:prepare', { action: 'pause_ramp' })).rejects.toThrow(/ended this desk's session .*revoked.*sign in again/);
    const told = pushes.Vic!.slice(from).flatMap((p) => (p.kind === 'notification' ? [p.id] : []));
    expect(told).toContain('team-session-ended');
    expect(told).not.toContain('acting-alone');
    // Long past the grace it is still signed out, not acting alone.
    await new Promise((r) => setTimeout(r, 1200));
    expect(vic.status().state).toBe('signed-out');
  });
});
