import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionOutcome } from '../../shared/actions.js';
import type { PreparedAction } from '../../shared/bridge.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import { verifyAuditFile } from '../../electron/core/audit/chain.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { actingAs, type Actor } from '../../electron/core/engine/acting-operator.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { auditEntriesIn, play, until } from '../support/console-on-simulator.js';

/**
 * Team mode: several operators on one console server pressing the same emergency control at once.
 * The console is a real ConsoleService, the provider the real simulator on loopback behind a
 * pass-through proxy that counts what reaches it; each request runs as its operator.
 */

const MIN = 60_000;
const T0 = Date.UTC(2026, 3, 1, 8);

interface Run {
  sim: SimHandle;
  proxy: FaultProxy;
  service: ConsoleService;
  dataDir: string;
}
const runs: Run[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) {
    await r.service.stop();
    await r.proxy.close();
    await r.sim.close();
    rmSync(r.dataDir, { recursive: true, force: true });
  }
});

async function start(routing: { deadlineMs?: number; timeoutMs?: number; retries?: number } = {}): Promise<Run> {
  const sim = await startSimulator({ manualClock: true, startTime: T0, seed: 11, rate: 2, scenarios: [] });
  const proxy = await startFaultProxy(sim.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'routing-same-decision-'));
  const config = LaunchConfigSchema.parse({
    launchName: 'Spring launch',
    stream: { url: sim.url, staleAfterSec: 30 },
    routing: { baseUrl: proxy.url, timeoutMs: 2000, retries: 1, ...routing },
  });
  const service = await ConsoleService.open({ config, dataDir, routingToken: sim.token });
  const run = { sim, proxy, service, dataDir };
  runs.push(run);
  service.stream.start();
  await until(() => service.stream.status().launchId !== null, 'the stream hello');
  await play(run, 2 * MIN);
  await until(() => service.snapshot().routing.state !== null, 'the routing state');
  await proxy.setMode('pass');
  return run;
}

const actions = (run: Run) => auditEntriesIn(run.dataDir).filter((e) => e.type === 'action');

function operator(name: string): Actor {
  return { name, role: 'operator', sessionEndsAt: Date.now() + 8 * 3_600_000, connectionId: `window-${name}` };
}

type Asked = Parameters<ConsoleService['handlers']['routing:prepare']>[0];

/** Opens the confirm as this operator, the way their window's request does. */
function prepareAs(run: Run, name: string, asked: Asked): Promise<PreparedAction> {
  return actingAs(operator(name), () => Promise.resolve(run.service.handlers['routing:prepare'](asked)));
}

/** Presses confirm as this operator. */
function executeAs(run: Run, name: string, prepared: PreparedAction, reason?: string): Promise<ActionOutcome> {
  return actingAs(operator(name), () =>
    Promise.resolve().then(() => run.service.handlers['routing:execute']({ intentId: prepared.intent.id, ...(reason ? { reason } : {}) })),
  );
}

describe('the same emergency action confirmed by several operators at once', () => {
  it('two operators press "Stop all" together: one action on the provider, the same outcome on both screens, each audited as themselves', async () => {
    const run = await start();
    const { sim, proxy } = run;
    const applied = sim.appliedActions;
    const version = sim.routing().version;

    const ana = await prepareAs(run, 'Ana', { action: 'stop_all' });
    const ben = await prepareAs(run, 'Ben', { action: 'stop_all' });
    expect(ana.intent.before?.version).toBe(version);
    expect(ben.intent.before?.version).toBe(version);
    expect(ben.intent.idempotencyKey).not.toBe(ana.intent.idempotencyKey);

    const [a, b] = await Promise.all([executeAs(run, 'Ana', ana, 'P95 way over target'), executeAs(run, 'Ben', ben, 'agents failing')]);
    expect(a.status).toBe('verified');
    expect(b).toEqual(a);
    expect(a.intentId).toBe(ana.intent.id);
    expect(a.readBack?.mode).toBe('stopped');

    // The provider saw one action, sent with Ana's idempotency key, and moved one version.
    expect(sim.appliedActions).toBe(applied + 1);
    expect(proxy.received.POST).toBe(1);
    expect(sim.routing()).toMatchObject({ version: version + 1, mode: 'stopped', updatedBy: 'Ana' });

    const entries = actions(run);
    expect(entries).toHaveLength(2);
    const [sent, joined] = entries;
    expect(sent).toMatchObject({ operator: 'Ana', data: { intentId: ana.intent.id, status: 'verified', sent: true } });
    expect(sent?.summary).toContain('Stop all (reason: P95 way over target): verified');
    expect(joined).toMatchObject({
      operator: 'Ben',
      data: { status: 'joined', sent: false, joinedIntentId: ana.intent.id, joinedOperator: 'Ana', outcomeStatus: 'verified', intentId: ben.intent.id },
    });
    expect(joined?.summary).toBe(
      "Stop all (reason: agents failing): joined. Ben confirmed it at the same time as Ana, on the same routing state; it was sent once, on Ana's confirm, and Ben sees its outcome: Verified.",
    );
    expect((joined?.data.request as { operator: string; reason: string }).operator).toBe('Ben');
    expect(verifyAuditFile(join(run.dataDir, 'audit.jsonl'))).toMatchObject({ ok: true });

    // Ben's window repeating its call gets the same answer and writes nothing more.
    expect(await run.service.handlers['routing:execute']({ intentId: ben.intent.id })).toEqual(a);
    expect(actions(run)).toHaveLength(2);
    expect(sim.appliedActions).toBe(applied + 1);
  });

  it('three operators pause the ramp at once: sent once, the two later confirms joined', async () => {
    const run = await start();
    const { sim, proxy } = run;
    const applied = sim.appliedActions;
    const names = ['Ana', 'Ben', 'Cleo'];
    const prepared = await Promise.all(names.map((n) => prepareAs(run, n, { action: 'pause_ramp' })));
    const outcomes = await Promise.all(names.map((n, i) => executeAs(run, n, prepared[i] as PreparedAction)));
    expect(outcomes[0]?.status).toBe('verified');
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
    expect(sim.appliedActions).toBe(applied + 1);
    expect(proxy.received.POST).toBe(1);
    expect(sim.routing().mode).toBe('paused');
    const entries = actions(run);
    expect(entries.map((e) => [e.operator, e.data.status])).toEqual([
      ['Ana', 'verified'],
      ['Ben', 'joined'],
      ['Cleo', 'joined'],
    ]);
    expect(entries.slice(1).every((e) => e.data.joinedIntentId === prepared[0]?.intent.id)).toBe(true);
    expect(entries[2]?.summary).toMatch(/^Pause ramp: joined\. Cleo confirmed it at the same time as Ana/);
  });

  it('route to fallback then pause the ramp, asked by three operators naming the intents in any order: each part sent once', async () => {
    const run = await start();
    const { sim, proxy } = run;
    const applied = sim.appliedActions;
    const intents = Object.keys(sim.routing().intents).slice(0, 2);
    expect(intents).toHaveLength(2);
    const asks: [string, string[]][] = [
      ['Ana', intents],
      ['Ben', [...intents].reverse()],
      ['Cleo', [intents[0] as string, ...intents]],
    ];
    const prepared = await Promise.all(asks.map(([n, is]) => prepareAs(run, n, { action: 'route_fallback', intents: is, pauseRamp: true })));
    const outcomes = await Promise.all(asks.map(([n], i) => executeAs(run, n, prepared[i] as PreparedAction)));
    expect(outcomes[0]?.status).toBe('verified');
    expect(outcomes[0]?.parts).toHaveLength(2);
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
    expect(sim.appliedActions).toBe(applied + 2);
    expect(proxy.received.POST).toBe(2);
    expect(sim.routing()).toMatchObject({ mode: 'paused', intents: Object.fromEntries(intents.map((i) => [i, 'fallback'])) });
    const entries = actions(run);
    expect(entries.map((e) => [e.operator, e.data.status])).toEqual([
      ['Ana', 'verified'],
      ['Ana', 'verified'],
      ['Ben', 'joined'],
      ['Cleo', 'joined'],
    ]);
    expect(entries[2]?.summary).toMatch(/, then Pause ramp: joined\. Ben confirmed it at the same time as Ana/);
  });

  it('two different actions at once are both sent, and so are the same action with a different share or other intents', async () => {
    const run = await start();
    const { sim, proxy } = run;
    const applied = sim.appliedActions;
    const [first, second] = Object.keys(sim.routing().intents) as [string, string];
    // The last two pairs contradict each other: whichever lands second undoes the first's change.
    const pairs: [Asked, Asked][] = [
      [{ action: 'pause_ramp' }, { action: 'set_share', share: 40 }],
      [{ action: 'route_fallback', intents: [first] }, { action: 'route_fallback', intents: [second] }],
      [{ action: 'route_human' }, { action: 'route_human', pauseRamp: true }],
      [{ action: 'set_share', share: 30 }, { action: 'set_share', share: 20 }],
      [{ action: 'route_fallback', intents: [first] }, { action: 'route_human', intents: [first] }],
    ];
    let sent = 0;
    for (const [i, [x, y]] of pairs.entries()) {
      const ana = await prepareAs(run, 'Ana', x);
      const ben = await prepareAs(run, 'Ben', y);
      const [a, b] = await Promise.all([executeAs(run, 'Ana', ana), executeAs(run, 'Ben', ben)]);
      sent += ana.steps.length + ben.steps.length;
      expect(sim.appliedActions).toBe(applied + sent);
      expect([a.intentId, b.intentId]).toEqual([ana.intent.id, ben.intent.id]);
      if (i < 3) expect([a.status, b.status], `${a.knownText} / ${b.knownText}`).toEqual(['verified', 'verified']);
      else {
        // The one that landed last holds; the other is Verified only if read back before it was undone.
        const last = sim.routing().updatedBy === 'Ana' ? a : b;
        const undone = last === a ? b : a;
        expect(last.status).toBe('verified');
        if (undone.status === 'verified') expect(undone.readBack?.version).toBeLessThan(sim.routing().version);
      }
    }
    expect(actions(run).some((e) => e.data.status === 'joined')).toBe(false);
    expect(proxy.received.POST).toBe(sent);
  });

  it('a stop opened after the first stop settled is a new decision: sent, and verified as today', async () => {
    const run = await start();
    const { sim, proxy } = run;
    const applied = sim.appliedActions;
    const ana = await prepareAs(run, 'Ana', { action: 'stop_all' });
    const a = await executeAs(run, 'Ana', ana);
    expect(a.status).toBe('verified');
    const ben = await prepareAs(run, 'Ben', { action: 'stop_all' });
    expect(ben.intent.before?.version).toBe(a.readBack?.version);
    const b = await executeAs(run, 'Ben', ben);
    // The console has always sent a stop over a stopped routing; the provider applies it again.
    expect(b.status).toBe('verified');
    expect(b.intentId).toBe(ben.intent.id);
    expect(sim.appliedActions).toBe(applied + 2);
    expect(proxy.received.POST).toBe(2);
    expect(actions(run).map((e) => [e.operator, e.data.status])).toEqual([
      ['Ana', 'verified'],
      ['Ben', 'verified'],
    ]);
  });

  it('a confirm opened before the first settled and pressed after joins it while the routing is as it left it, and is sent once someone changed it', async () => {
    const run = await start();
    const { sim } = run;
    const applied = sim.appliedActions;
    const ana = await prepareAs(run, 'Ana', { action: 'stop_all' });
    const ben = await prepareAs(run, 'Ben', { action: 'stop_all' });
    const cleo = await prepareAs(run, 'Cleo', { action: 'stop_all' });
    const a = await executeAs(run, 'Ana', ana);
    expect(a.status).toBe('verified');

    // Ben decided on what he saw before Ana's stop landed; the routing is still what it left.
    const b = await executeAs(run, 'Ben', ben);
    expect(b).toEqual(a);
    expect(sim.appliedActions).toBe(applied + 1);

    // Dan resumes; Cleo's old confirm answers a routing that no longer is, so it is sent as before.
    const dan = await prepareAs(run, 'Dan', { action: 'resume' });
    expect((await executeAs(run, 'Dan', dan)).status).toBe('verified');
    const c = await executeAs(run, 'Cleo', cleo);
    expect(c.status).toBe('verified');
    expect(c.intentId).toBe(cleo.intent.id);
    expect(sim.routing()).toMatchObject({ mode: 'stopped', updatedBy: 'Cleo' });
    expect(sim.appliedActions).toBe(applied + 3);
    expect(actions(run).map((e) => [e.operator, e.data.status])).toEqual([
      ['Ana', 'verified'],
      ['Ben', 'joined'],
      ['Dan', 'verified'],
      ['Cleo', 'verified'],
    ]);
  });

  it('a stop that failed is told to every operator who pressed it at once; one pressed after the failure is sent again', async () => {
    const run = await start({ retries: 0 });
    const { sim, proxy } = run;
    const applied = sim.appliedActions;
    const ana = await prepareAs(run, 'Ana', { action: 'stop_all' });
    const ben = await prepareAs(run, 'Ben', { action: 'stop_all' });
    const cleo = await prepareAs(run, 'Cleo', { action: 'stop_all' });
    await proxy.setMode('down');
    // Let the console's connections kept from earlier reads see the close, so the stop is refused at connect.
    await new Promise((r) => setTimeout(r, 50));
    const [a, b] = await Promise.all([executeAs(run, 'Ana', ana), executeAs(run, 'Ben', ben)]);
    expect(a, a.knownText).toMatchObject({ status: "failed", applied: "no" });
    expect(b).toEqual(a);
    expect(b.knownText).toMatch(/^Not sent/);

    // Known not applied: a later press cannot apply it twice, so it gets its own attempt.
    await proxy.setMode('pass');
    const c = await executeAs(run, 'Cleo', cleo);
    expect(c.status).toBe('verified');
    expect(c.intentId).toBe(cleo.intent.id);
    expect(proxy.received.POST).toBe(1);
    expect(sim.appliedActions).toBe(applied + 1);
    const entries = actions(run);
    expect(entries.map((e) => [e.operator, e.data.status])).toEqual([
      ['Ana', 'failed'],
      ['Ben', 'joined'],
      ['Cleo', 'verified'],
    ]);
    expect(entries[1]?.summary).toContain('Ben sees its outcome: FAILED.');
  });

  it('past the deadline the joined confirm hears "still trying" like the first, and one pressed after the verdict hears the verdict', async () => {
    const run = await start({ deadlineMs: 150, timeoutMs: 5000, retries: 0 });
    const { sim, proxy, service } = run;
    const applied = sim.appliedActions;
    const ana = await prepareAs(run, 'Ana', { action: 'stop_all' });
    const ben = await prepareAs(run, 'Ben', { action: 'stop_all' });
    const cleo = await prepareAs(run, 'Cleo', { action: 'stop_all' });
    await proxy.setMode('slow', { method: 'POST', delayMs: 600 });

    const a = await executeAs(run, 'Ana', ana);
    expect(a).toMatchObject({ status: 'unverified', background: true });
    const b = await executeAs(run, 'Ben', ben);
    expect(b).toEqual(a);
    // Nothing is audited as an action until its verdict; Ben's entry says his confirm joined one under way.
    expect(actions(run).map((e) => [e.operator, e.data.status, e.data.background])).toEqual([['Ben', 'joined', true]]);
    expect(actions(run)[0]?.summary).toContain('Ben sees its outcome: no verdict yet, the console is still trying.');

    await until(() => actions(run).length === 2, "the verdict on Ana's stop");
    await until(() => service.routingActions.view().inFlight === null, 'the flight to end');
    const c = await executeAs(run, 'Cleo', cleo);
    expect(c).toMatchObject({ status: 'verified', intentId: ana.intent.id });
    expect(c.background).toBeUndefined();
    expect(proxy.received.POST).toBe(1);
    expect(sim.appliedActions).toBe(applied + 1);
    expect(actions(run).map((e) => [e.operator, e.data.status])).toEqual([
      ['Ben', 'joined'],
      ['Ana', 'verified'],
      ['Cleo', 'joined'],
    ]);
  });
});
