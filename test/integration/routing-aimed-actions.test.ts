import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import type { RoutingActionRequest } from '../../shared/protocol.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { API_V1_CAPABILITIES, HttpRoutingProvider, RoutingProviderError, type RoutingProvider } from '../../electron/core/routing/provider.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import type { FaultName } from '../../sim/faults.js';
import { auditEntriesIn, play, until } from '../support/console-on-simulator.js';

/**
 * Actions aimed where the evidence points, through a real ConsoleService against the real
 * simulator: a fault on one intent singles that intent out, "send to humans" is a route of its
 * own, one confirm pauses the ramp and routes, and the recovery watch proves each from the stream.
 */

const MIN = 60_000;
const T0 = Date.UTC(2026, 3, 1, 8);

interface Run {
  sim: SimHandle;
  service: ConsoleService;
  dataDir: string;
}
const runs: Run[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) {
    await r.service.stop();
    await r.sim.close();
    rmSync(r.dataDir, { recursive: true, force: true });
  }
});

async function start(opts: { scenarios?: FaultName[]; provider?: (sim: SimHandle) => RoutingProvider; rate?: number } = {}): Promise<Run> {
  const sim = await startSimulator({ manualClock: true, startTime: T0, seed: 11, rate: opts.rate ?? 4, scenarios: opts.scenarios ?? [] });
  const dataDir = mkdtempSync(join(tmpdir(), 'routing-aimed-'));
  const config = LaunchConfigSchema.parse({
    launchName: 'Aimed actions',
    stream: { url: sim.url, staleAfterSec: 30 },
    routing: { baseUrl: sim.url, timeoutMs: 1000, retries: 1 },
    runbooks: { human: ['Point the order line at the human queue'] },
  });
  const provider = opts.provider?.(sim);
  const service = await ConsoleService.open({ config, dataDir, routingToken: sim.token, ...(provider ? { provider } : {}) });
  const run = { sim, service, dataDir };
  runs.push(run);
  service.stream.start();
  await until(() => service.stream.status().launchId !== null, 'the stream hello');
  await service.handlers['operator:set-shift-owner']({ name: 'Dana' });
  return run;
}

function actionEntries(run: Run): AuditEntry[] {
  return auditEntriesIn(run.dataDir).filter((e) => e.type === 'action');
}

function recommendation(run: Run, ruleId: string) {
  return run.service.alerts.view().alerts.find((a) => a.rule.id === ruleId)?.recommendation;
}

describe('actions aimed at the intents whose figures breach', () => {
  it('a tool outage on order status alone: the task-completion trigger pauses the ramp and routes order status only', async () => {
    const run = await start({ rate: 2 });
    run.sim.setFault('tool-outage', true, ['order_status']);
    await play(run, 8 * MIN, 30_000);
    const rec = recommendation(run, 'task-completion');
    expect(rec).toMatchObject({ action: 'route_fallback', intents: ['order_status'], pauseRamp: true });
    expect(rec?.label).toBe('Pause the ramp and route order status to fallback');
    expect(rec?.basis).toMatch(/^Their own figures breach 85% over 15 min: order status: task completion \d+(\.\d)?% of \d+ connected calls, 95% upper bound \d+(\.\d)?%\.$/);
    // The other intents were healthy, so none of them is moved.
    const intents = run.service.snapshot().metrics?.windows[15].intents ?? {};
    for (const other of ['book_appointment', 'billing_question', 'cancel_service']) {
      expect(intents[other]?.kpis.taskCompletion ?? 0).toBeGreaterThan(0.85);
    }
  }, 120_000);

  it('escalations losing context on one flow: the trigger sends that flow to humans, not to fallback', async () => {
    const run = await start();
    run.sim.setFault('escalation-context-loss', true, ['talk_to_human']);
    await play(run, 8 * MIN, 30_000);
    const rec = recommendation(run, 'escalation-context');
    expect(rec).toMatchObject({ action: 'route_human', intents: ['talk_to_human'], pauseRamp: false });
    expect(rec?.label).toBe('Send talk to human calls to humans');
  }, 120_000);
});

describe('route_human end to end', () => {
  it('sends new calls of one intent to the human line, verified by read-back and proven by the stream', { timeout: 120_000 }, async () => {
    const run = await start();
    await play(run, 2 * MIN);
    const prepared = await run.service.handlers['routing:prepare']({ action: 'route_human', intents: ['billing_question'] });
    expect(prepared.effect.title).toBe('Send billing question calls to humans');
    expect(prepared.effect.newCalls).toBe('New billing question calls go straight to the human line; other intents are unchanged');
    const outcome = await run.service.handlers['routing:execute']({ intentId: prepared.intent.id, reason: 'context lost on transfer' });
    expect(outcome.status, outcome.knownText).toBe('verified');
    expect(run.sim.routing().intents).toMatchObject({ billing_question: 'human', order_status: 'agent' });
    expect(run.sim.routing().mode).toBe('live');
    await play(run, 6 * MIN);
    const recovery = run.service.routingActions.view().recovery;
    expect(recovery?.streamConfirmed?.text).toMatch(/^Stream confirms the change after \d+ (s|min)( \d+ s)?: all \d+ new billing question calls went to the human line$/);
    const [entry] = actionEntries(run);
    expect(entry?.summary).toMatch(/^Send billing question calls to humans \(reason: context lost on transfer\): verified/);
  });
});

describe('pause the ramp and route the affected intents: one confirm, two provider actions', () => {
  it('performs and verifies both, each with its own idempotency key and audit entry', async () => {
    const run = await start();
    await play(run, 2 * MIN);
    const applied = run.sim.appliedActions;
    const prepared = await run.service.handlers['routing:prepare']({ action: 'route_fallback', intents: ['order_status'], pauseRamp: true });
    expect(prepared.steps.map((s) => s.req.action)).toEqual(['route_fallback', 'pause_ramp']);
    expect(new Set(prepared.steps.map((s) => s.idempotencyKey)).size).toBe(2);
    expect(prepared.effect.title).toBe('Route order status to fallback and pause the ramp');
    const outcome = await run.service.handlers['routing:execute']({ intentId: prepared.intent.id });
    expect(outcome.status, outcome.knownText).toBe('verified');
    expect(outcome.knownText).toMatch(/^Both held: Route order status to fallback and Pause ramp\./);
    expect(outcome.parts?.map((p) => p.status)).toEqual(['verified', 'verified']);
    expect(run.sim.appliedActions).toBe(applied + 2);
    expect(run.sim.routing()).toMatchObject({ mode: 'paused', intents: { order_status: 'fallback', billing_question: 'agent' } });
    const entries = actionEntries(run);
    expect(entries.map((e) => (e.data as { request: RoutingActionRequest }).request.action)).toEqual(['route_fallback', 'pause_ramp']);
    expect(new Set(entries.map((e) => (e.data as { idempotencyKey: string }).idempotencyKey)).size).toBe(2);
    expect((entries[1]?.data as { trigger: string }).trigger).toBe('part 2 of 2 of one confirm: Route order status to fallback, then Pause ramp');
    // The same confirm twice (a double click, a retried bridge call) applies nothing more.
    await run.service.handlers['routing:execute']({ intentId: prepared.intent.id });
    expect(run.sim.appliedActions).toBe(applied + 2);
  });

  it('says which part held when the provider refuses the pause', async () => {
    const run = await start({
      provider: (sim) => {
        const http = new HttpRoutingProvider({ baseUrl: sim.url, token: sim.token, timeoutMs: 1000 });
        return {
          getState: (signal) => http.getState(signal),
          applyAction: (req, key, signal) =>
            req.action === 'pause_ramp'
              ? Promise.reject(new RoutingProviderError('POST /routing/actions (pause_ramp): the routing provider rejected the request (409)', 'http', false, 409))
              : http.applyAction(req, key, signal),
        };
      },
    });
    await play(run, MIN);
    const prepared = await run.service.handlers['routing:prepare']({ action: 'route_fallback', intents: ['order_status'], pauseRamp: true });
    const outcome = await run.service.handlers['routing:execute']({ intentId: prepared.intent.id });
    expect(outcome.status).toBe('unverified');
    expect(outcome.knownText).toMatch(/^Route order status to fallback held; Pause ramp did NOT\. /);
    expect(outcome.parts?.map((p) => p.status)).toEqual(['verified', 'failed']);
    expect(run.sim.routing()).toMatchObject({ mode: 'live', intents: { order_status: 'fallback' } });
  });
});

describe('a provider that cannot route by intent', () => {
  it('is not offered intent-scoped actions: the prepare refuses them with the reason', async () => {
    const run = await start({
      provider: (sim) => {
        const http = new HttpRoutingProvider({ baseUrl: sim.url, token: sim.token, timeoutMs: 1000 });
        return {
          capabilities: { actions: API_V1_CAPABILITIES.actions.filter((a) => a !== 'route_human'), intentScoped: false, name: 'the phone-number adapter' },
          getState: (signal) => http.getState(signal),
          applyAction: (req, key, signal) => http.applyAction(req, key, signal),
        };
      },
    });
    expect(run.service.snapshot().actions.capabilities.intentScoped).toBe(false);
    const prepare = (req: Parameters<(typeof run.service.handlers)['routing:prepare']>[0]) => Promise.resolve().then(() => run.service.handlers['routing:prepare'](req));
    await expect(prepare({ action: 'route_fallback', intents: ['order_status'] })).rejects.toThrowError(
      /cannot route order status alone: it does not know a call's intent when the call arrives/,
    );
    await expect(prepare({ action: 'route_human' })).rejects.toThrowError(/cannot "Send to humans"/);
    expect(run.sim.appliedActions).toBe(0);
  });
});

describe('the recovery watch proves the change', () => {
  it('a rollback proven by the version of new agent calls, recovery reported only for the KPI out of target', { timeout: 120_000 }, async () => {
    const run = await start({ scenarios: ['latency-spike'] });
    await play(run, 6 * MIN);
    const before = run.service.snapshot().metrics?.windows[5].overall.kpis;
    expect(before?.turnLatencyP95 ?? 0).toBeGreaterThan(1200);
    expect(before?.taskCompletion ?? 0).toBeGreaterThan(0.85);
    const prepared = await run.service.handlers['routing:prepare']({ action: 'rollback' });
    const outcome = await run.service.handlers['routing:execute']({ intentId: prepared.intent.id });
    expect(outcome.status, outcome.knownText).toBe('verified');
    await play(run, 8 * MIN);
    const view = run.service.routingActions.view();
    expect(view.recovery?.streamConfirmed?.text).toMatch(/^Stream confirms the change after \d+ (s|min)( \d+ s)?: \d+ of \d+ new agent calls ran v1\.9\.3$/);
    expect(view.recovery?.kpis.map((k) => k.kpi)).toEqual(['turnLatencyP95']);
    expect(view.recovery?.kpis[0]?.recovered).toBe(true);
    expect(view.recoveryNote).toMatch(/Within target when the action was taken, so nothing to recover: Task completion/);
  });
});
