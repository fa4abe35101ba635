import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditEntrySchema } from '../../shared/audit.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import { verifyAuditFile } from '../../electron/core/audit/chain.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import type { FaultName } from '../../sim/faults.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { auditEntriesIn, play, until } from '../support/console-on-simulator.js';

/**
 * The emergency controls through a real ConsoleService against the real simulator on loopback:
 * bridge handlers in, provider actions out, the stream proving the change, the audit file on
 * disk. The simulator's clock is manual, so minutes of traffic take milliseconds.
 */

const MIN = 60_000;
const T0 = Date.UTC(2026, 3, 1, 8);
const RUNBOOK = ['Log in to the telephony console', 'Set every queue to the human pool'];

interface Run {
  sim: SimHandle;
  service: ConsoleService;
  dataDir: string;
}
const runs: Run[] = [];
const proxies: FaultProxy[] = [];
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
  for (const r of runs.splice(0)) {
    await r.service.stop();
    await r.sim.close();
    rmSync(r.dataDir, { recursive: true, force: true });
  }
});

/** `routing` puts something between the console and the simulator's routing API. */
async function start(opts: { scenarios?: FaultName[]; routing?: (simUrl: string) => Promise<string> } = {}): Promise<Run> {
  const sim = await startSimulator({ manualClock: true, startTime: T0, seed: 9, rate: 2, scenarios: opts.scenarios ?? [] });
  const dataDir = mkdtempSync(join(tmpdir(), 'routing-feature-'));
  const config = LaunchConfigSchema.parse({
    launchName: 'Spring launch',
    stream: { url: sim.url, staleAfterSec: 30 },
    routing: { baseUrl: opts.routing ? await opts.routing(sim.url) : sim.url, timeoutMs: 1000, retries: 1 },
    runbook: RUNBOOK,
  });
  const service = await ConsoleService.open({ config, dataDir, routingToken: sim.token });
  const run = { sim, service, dataDir };
  runs.push(run);
  service.stream.start();
  await until(() => service.stream.status().launchId !== null, 'the stream hello');
  await service.handlers['operator:set-shift-owner']({ name: 'Dana' });
  return run;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('RoutingFeature against the simulator', () => {
  it('stops all agent traffic: verified by read-back, proven by the stream, audited with the figures on screen', async () => {
    const run = await start();
    const { service, sim } = run;
    await play(run, 10 * MIN);

    const prepared = await service.handlers['routing:prepare']({ action: 'stop_all' });
    expect(prepared.intent.req.operator).toBe('Dana');
    expect(prepared.effect.newCalls).toBe('New calls go to human agents');
    // Two calls a second lasting about a minute or two keep dozens on the agent at any moment.
    expect(prepared.inProgress?.calls).toBeGreaterThan(10);
    expect(prepared.inProgress).toMatchObject({ intents: null, staleForMs: null });
    expect(prepared.effect.inProgress).toMatch(new RegExp(`^About ${prepared.inProgress?.calls} calls in progress finish with the agent \\(estimated from`));

    const outcome = await service.handlers['routing:execute']({ intentId: prepared.intent.id, reason: 'P95 way over target' });
    expect(outcome.status).toBe('verified');
    expect(outcome.readBack?.mode).toBe('stopped');
    expect(sim.routing().mode).toBe('stopped');

    // On disk, chained and fsync'd by the time the outcome came back.
    const entries = auditEntriesIn(run.dataDir);
    const entry = entries.at(-1);
    expect(entry?.type).toBe('action');
    expect(entry?.operator).toBe('Dana');
    expect(entry?.summary).toContain('Stop all (reason: P95 way over target): verified');
    const data = entry?.data as Record<string, unknown>;
    const figures = data.figures as Record<string, number | null>;
    expect(figures.turnLatencyP95).toBeGreaterThan(0);
    expect(figures.taskCompletion).toBeGreaterThan(0);
    expect(figures.callRate).toBeGreaterThan(60);
    expect(figures).toHaveProperty('agentErrorRate');
    expect(figures).toHaveProperty('fallbackRate');
    expect((data.routingBefore as { mode: string }).mode).toBe('live');
    expect((data.providerReply as { mode: string }).mode).toBe('stopped');
    expect(data.status).toBe('verified');
    expect(verifyAuditFile(join(run.dataDir, 'audit.jsonl'))).toMatchObject({ ok: true, entries: entries.length });

    await play(run, 3 * MIN);
    const updatedAt = Date.parse(sim.routing().updatedAt);
    const since = service.metrics.agentShareSince(updatedAt, sim.now());
    expect(since.calls).toBeGreaterThan(100);
    expect(since.agent).toBe(0);
    const view = service.routingActions.view();
    expect(view.lastOutcome?.intentId).toBe(prepared.intent.id);
    expect(view.recovery?.streamConfirmed?.text).toMatch(/^Stream confirms the change after \d+ s: 0 of \d+ new calls went to the agent$/);
    expect(view.recovery?.done).toBe(true);
    expect(view.recoveryNote).toContain('takes no new calls');
    expect(JSON.stringify(entries)).not.toContain(sim.token);
  });

  it('executes one intent once however many times it is confirmed', async () => {
    const run = await start();
    const { service, sim } = run;
    await play(run, 2 * MIN);
    const before = sim.appliedActions;
    const prepared = await service.handlers['routing:prepare']({ action: 'pause_ramp' });
    const execute = () => service.handlers['routing:execute']({ intentId: prepared.intent.id });
    const [a, b] = await Promise.all([execute(), execute()]);
    const c = await execute();
    expect(a.status).toBe('verified');
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(sim.appliedActions).toBe(before + 1);
    expect(auditEntriesIn(run.dataDir).filter((e) => e.type === 'action')).toHaveLength(1);

    await expect(Promise.resolve().then(() => service.handlers['routing:execute']({ intentId: 'never-prepared' }))).rejects.toThrow(
      /no prepared action "never-prepared"/,
    );
  });

  it('applies once when the provider applies the change but the reply is lost, showing each attempt while it runs', async () => {
    let proxy: FaultProxy | undefined;
    const run = await start({
      routing: async (simUrl) => {
        proxy = await startFaultProxy(simUrl);
        return proxy.url;
      },
    });
    proxies.push(proxy as FaultProxy);
    const { service, sim } = run;
    await proxy?.setMode('drop-reply', { method: 'POST', times: 1 });
    const before = sim.appliedActions;
    const prepared = await service.handlers['routing:prepare']({ action: 'stop_all' });
    const running = Promise.resolve(service.handlers['routing:execute']({ intentId: prepared.intent.id }));
    let settled = false;
    void running.finally(() => (settled = true));
    const attemptsSeen = new Set<number>();
    while (!settled) {
      const flight = service.routingActions.view().inFlight;
      if (flight) attemptsSeen.add(flight.attempt);
      await new Promise((r) => setTimeout(r, 1));
    }
    const outcome = await running;
    expect(outcome.status).toBe('verified');
    expect(outcome.attempts).toBe(2);
    expect(outcome.knownText).toContain('sent 2 times with one idempotency key');
    expect(attemptsSeen).toContain(2);
    expect(sim.appliedActions).toBe(before + 1);
    expect(service.routingActions.view().inFlight).toBeNull();
  });

  it('fails plainly when the provider is down, with the runbook, an audit entry, and the state marked unknown', async () => {
    const run = await start({ routing: async () => `http://127.0.0.1:${await closedPort()}` });
    const { service } = run;
    service.tick();
    await until(() => service.snapshot().routing.error !== null, 'the provider read to fail');
    const routing = service.snapshot().routing;
    expect(routing.state).toBeNull();
    expect(routing.error).toMatch(/refused the connection/);

    const prepared = await service.handlers['routing:prepare']({ action: 'stop_all' });
    expect(prepared.effect.newCalls).toBe('New calls go to human agents');
    const outcome = await service.handlers['routing:execute']({ intentId: prepared.intent.id, reason: 'latency' });
    expect(outcome.status).toBe('failed');
    expect(outcome.applied).toBe('no');
    expect(outcome.knownText).toMatch(/^Not sent: the routing provider refused the connection/);
    expect(outcome.runbook).toEqual(RUNBOOK);
    const entry = auditEntriesIn(run.dataDir).at(-1);
    expect(entry?.summary).toMatch(/^Stop all \(reason: latency\): failed\. Not sent/);
    expect(entry?.operator).toBe('Dana');
    expect(service.routingActions.view().recovery).toBeNull();
  });

  it('rolls back a faulty version and follows the KPIs until they are back within target', async () => {
    const run = await start({ scenarios: ['latency-spike'] });
    const { service, sim } = run;
    await play(run, 15 * MIN);
    const prepared = await service.handlers['routing:prepare']({ action: 'rollback' });
    expect(prepared.effect.title).toBe('Roll back to v1.9.3');
    const outcome = await service.handlers['routing:execute']({ intentId: prepared.intent.id });
    expect(outcome.status).toBe('verified');
    expect(sim.routing().agentVersion).toBe('v1.9.3');

    await play(run, 12 * MIN);
    const recovery = service.routingActions.view().recovery;
    expect(recovery?.streamConfirmed).not.toBeNull();
    const p95 = recovery?.kpis.find((k) => k.kpi === 'turnLatencyP95');
    expect(p95?.recovered).toBe(true);
    expect(p95?.text).toMatch(/^P95 turn latency back under 1\.2 s after \d+ min( \d+ s)?$/);
    // Only what was out of target when the action was taken has anything to recover: the latency spike.
    expect(recovery?.kpis.map((k) => k.kpi)).toEqual(['turnLatencyP95']);
  });

  it('routes the chosen intents to fallback, and refuses requests that name what is wrong', async () => {
    const run = await start();
    const { service, sim } = run;
    await play(run, 2 * MIN);
    const prepared = await service.handlers['routing:prepare']({ action: 'route_fallback', intents: ['order_status'] });
    expect(prepared.effect.newCalls).toBe('New order status calls go to the fallback flow; other intents are unchanged');
    const outcome = await service.handlers['routing:execute']({ intentId: prepared.intent.id });
    expect(outcome.status).toBe('verified');
    expect(sim.routing().intents).toMatchObject({ order_status: 'fallback', billing_question: 'agent' });

    const prepare = (req: Parameters<ConsoleService['handlers']['routing:prepare']>[0]) =>
      Promise.resolve().then(() => service.handlers['routing:prepare'](req));
    await expect(prepare({ action: 'route_fallback', intents: ['refunds'] })).rejects.toThrow(/intents: unknown intent "refunds" \(known: /);
    await expect(prepare({ action: 'stop_all', share: 10 })).rejects.toThrow(/share: only "set_share" takes a share/);
    await expect(prepare({ action: 'set_share' })).rejects.toThrow(/share: required for set_share/);
  });

  it('stamps automatic actions as auto-act with the shift owner, and lists and exports the audit log by filter', async () => {
    const run = await start();
    const { service, sim } = run;
    await play(run, 2 * MIN);
    const auto = await service.routingActions.executeAutomatic({ action: 'pause_ramp', operator: 'alerts', reason: 'P95 above 1.2 s for 5 min' });
    expect(auto.status).toBe('verified');
    expect(auto.request.operator).toBe('auto-act (Dana)');
    const prepared = await service.handlers['routing:prepare']({ action: 'resume' });
    await service.handlers['routing:execute']({ intentId: prepared.intent.id, reason: 'latency back to normal' });

    const actions = await service.handlers['audit:list']({ type: 'action' });
    expect(actions.map((e) => e.operator)).toEqual(['auto-act (Dana)', 'Dana']);
    expect(actions[0]?.data.trigger).toBe('alert auto-act');
    expect(await service.handlers['audit:list']({ type: 'action', operator: 'Dana' })).toHaveLength(1);
    expect(await service.handlers['audit:list']({ text: 'BACK TO NORMAL' })).toHaveLength(1);

    const csv = await service.handlers['audit:export']({ format: 'csv', type: 'action' });
    expect(csv.fileName).toMatch(/^audit-spring-launch-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.mimeType).toBe('text/csv');
    const rows = csv.content.trimEnd().split('\r\n');
    expect(rows[0]).toBe('seq,ts,type,operator,summary,data,prevHash,hash');
    expect(rows).toHaveLength(3);
    const jsonl = await service.handlers['audit:export']({ format: 'jsonl', operator: 'Dana' });
    expect(jsonl.fileName).toMatch(/\.jsonl$/);
    const exported = jsonl.content.trimEnd().split('\n').map((l) => AuditEntrySchema.parse(JSON.parse(l)));
    expect(exported.every((e) => e.operator === 'Dana')).toBe(true);
    expect(exported.some((e) => e.type === 'shift')).toBe(true);
    for (const file of [csv, jsonl]) expect(file.content).not.toContain(sim.token);
    expect(service.routingActions.view().auditOpened).toMatchObject({ ok: true });
  });
});
