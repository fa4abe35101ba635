import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionOutcome } from '../../shared/actions.js';
import { KPI_IDS, type KpiId, type KpiValues } from '../../shared/kpi.js';
import { CallEventSchema, STREAM_NAMESPACE, type CallRecord, type RoutingActionRequest } from '../../shared/protocol.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { ActionExecutor } from '../../electron/core/routing/action-executor.js';
import { PendingActionsJournal } from '../../electron/core/routing/pending-journal.js';
import { HttpRoutingProvider } from '../../electron/core/routing/provider.js';
import { RecoveryWatch } from '../../electron/core/routing/recovery-watch.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';

/**
 * Each action against the real simulator over loopback: the provider's state changes, and the
 * calls on the stream follow it, which the recovery watch confirms. The simulator's clock is
 * manual, so half an hour of traffic per step takes milliseconds.
 */

const MIN = 60_000;
let sim: SimHandle;
let client: Socket;
let executor: ActionExecutor;
let dataDir: string;
const calls: CallRecord[] = [];
let lastSeq = 0;

beforeAll(async () => {
  sim = await startSimulator({ manualClock: true, seed: 5, rate: 3, agentShare: 100, scenarios: ['latency-spike'] });
  dataDir = mkdtempSync(join(tmpdir(), 'routing-actions-'));
  const provider = new HttpRoutingProvider({ baseUrl: sim.url, token: sim.token, timeoutMs: 2000 });
  const journal = await PendingActionsJournal.open(fileStorage(dataDir).document('pending-actions'));
  executor = new ActionExecutor({ provider, journal, timeoutMs: 2000, retries: 2 });
  client = io(`${sim.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
  client.on('call', (payload: unknown) => {
    const e = CallEventSchema.parse(payload);
    calls.push(e.call);
    lastSeq = Math.max(lastSeq, e.seq);
  });
  for (const name of ['metric', 'routing']) {
    client.on(name, (payload: { seq: number }) => (lastSeq = Math.max(lastSeq, payload.seq)));
  }
  await new Promise<void>((resolve, reject) => {
    client.once('hello', () => resolve());
    client.once('connect_error', reject);
  });
});
afterAll(async () => {
  client.close();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Plays simulated time and waits until the stream has delivered everything emitted. */
async function play(ms: number): Promise<void> {
  sim.advance(ms);
  const target = sim.seq();
  while (lastSeq < target) await new Promise((r) => setTimeout(r, 2));
}

function startedSince(t: number): CallRecord[] {
  return calls.filter((c) => Date.parse(c.startedAt) >= t);
}

function p95Latency(cs: CallRecord[]): number | null {
  const xs = cs
    .filter((c) => c.route === 'agent')
    .flatMap((c) => c.turns.filter((t) => t.speaker === 'agent' && t.latencyMs !== undefined).map((t) => t.latencyMs ?? 0))
    .sort((a, b) => a - b);
  return xs.length === 0 ? null : (xs[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)] ?? null);
}

function kpisOf(cs: CallRecord[]): KpiValues {
  const values = Object.fromEntries(KPI_IDS.map((k) => [k, null])) as KpiValues;
  values.turnLatencyP95 = p95Latency(cs);
  values.fallbackRate = cs.length === 0 ? null : cs.filter((c) => c.route === 'fallback').length / cs.length;
  return values;
}

async function act(req: RoutingActionRequest): Promise<ActionOutcome> {
  const outcome = await executor.execute(executor.prepare(req, sim.routing()));
  expect(outcome.status, outcome.knownText).toBe('verified');
  expect(outcome.readBack).toEqual(sim.routing());
  return outcome;
}

/**
 * Plays 20 minutes after the action, feeding the watch what the stream shows each minute, and
 * returns the calls that started in the first 15 (all of them ended by then, long or short).
 */
async function watchAfter(outcome: ActionOutcome, kpis: KpiId[] = []) {
  const after = outcome.readBack!;
  const t = Date.parse(after.updatedAt);
  const watch = new RecoveryWatch({ action: outcome.request, after, kpis, fallbackRateBefore: 0 });
  let report = watch.report();
  for (let m = 0; m < 20; m++) {
    await play(MIN);
    const recent = startedSince(Math.max(t, sim.now() - 5 * MIN));
    const since = startedSince(t);
    report = watch.update({
      now: sim.now(),
      agentShare: { calls: since.length, agent: since.filter((c) => c.route === 'agent').length },
      kpis: kpisOf(recent),
    });
  }
  return { report, since: startedSince(t).filter((c) => Date.parse(c.startedAt) < t + 15 * MIN) };
}

const share = (cs: CallRecord[]) => cs.filter((c) => c.route === 'agent').length / cs.length;

describe('routing actions against the simulator', () => {
  it('starts all-agent with the latency spike of the new version', async () => {
    await play(10 * MIN);
    expect(calls.length).toBeGreaterThan(1000);
    expect(calls.every((c) => c.route === 'agent' && c.agentVersion === 'v2.0.0')).toBe(true);
    expect(p95Latency(calls)).toBeGreaterThan(1200);
  });

  it('set_share: the agent takes that share of new calls', async () => {
    const { report, since } = await watchAfter(await act({ action: 'set_share', share: 40, operator: 'ana' }));
    expect(report.streamConfirmed?.text).toMatch(/^Stream confirms the change after \d+ min: the agent took \d+(\.\d)?% of \d+ new calls \(expected 40%\)$/);
    expect(share(since)).toBeGreaterThan(0.35);
    expect(share(since)).toBeLessThan(0.45);
    expect(since.filter((c) => c.route !== 'agent').every((c) => c.route === 'human')).toBe(true);
  });

  it('pause_ramp: mode paused, the share holds', async () => {
    const outcome = await act({ action: 'pause_ramp', operator: 'ana' });
    expect(outcome.readBack?.mode).toBe('paused');
    const { report, since } = await watchAfter(outcome);
    expect(report.streamConfirmed).not.toBeNull();
    expect(Math.abs(share(since) - 0.4)).toBeLessThan(0.05);
  });

  it('route_fallback for one intent: its new calls go to fallback, the others do not', async () => {
    const outcome = await act({ action: 'route_fallback', intents: ['order_status'], operator: 'ana' });
    const { report, since } = await watchAfter(outcome);
    expect(report.streamConfirmed?.text).toMatch(/fallback rate rose to/);
    const orders = since.filter((c) => c.intent === 'order_status');
    expect(orders.length).toBeGreaterThan(50);
    expect(orders.every((c) => c.route === 'fallback')).toBe(true);
    expect(since.filter((c) => c.intent !== 'order_status').some((c) => c.route === 'fallback')).toBe(false);
  });

  it('stop_all: every new call goes to a human, confirmed by the stream', async () => {
    const { report, since } = await watchAfter(await act({ action: 'stop_all', reason: 'latency', operator: 'ana' }));
    expect(since.length).toBeGreaterThan(100);
    expect(since.every((c) => c.route === 'human')).toBe(true);
    expect(report.streamConfirmed?.text).toMatch(/^Stream confirms the change after \d+ (s|min): 0 of \d+ new calls went to the agent$/);
  });

  it('resume: every intent back on the agent at the held share', async () => {
    const outcome = await act({ action: 'resume', operator: 'ben' });
    expect(outcome.readBack?.mode).toBe('live');
    const { report, since } = await watchAfter(outcome);
    expect(report.streamConfirmed).not.toBeNull();
    expect(since.some((c) => c.route === 'fallback')).toBe(false);
    expect(Math.abs(share(since) - 0.4)).toBeLessThan(0.05);
  });

  it('rollback: new calls run the previous version and P95 latency comes back under target', async () => {
    const outcome = await act({ action: 'rollback', reason: 'latency spike on v2.0.0', operator: 'ben' });
    expect(outcome.readBack?.agentVersion).toBe('v1.9.3');
    const { report, since } = await watchAfter(outcome, ['turnLatencyP95']);
    expect(since.filter((c) => c.route === 'agent').every((c) => c.agentVersion === 'v1.9.3')).toBe(true);
    expect(p95Latency(since)).toBeLessThan(1200);
    expect(report.kpis[0]?.recovered).toBe(true);
    expect(report.kpis[0]?.text).toMatch(/^P95 turn latency back under 1\.2 s after \d+ min( \d+ s)?$/);
    expect(report.done).toBe(true);
  });

  it('a 4xx from the provider is a clear failure and changes nothing', async () => {
    const before = sim.appliedActions;
    const outcome = await executor.execute(executor.prepare({ action: 'route_fallback', intents: ['no_such_intent'], operator: 'ana' }));
    expect(outcome).toMatchObject({ status: 'failed', applied: 'no', attempts: 1 });
    expect(outcome.knownText).toMatch(/^Not applied: .*\(400\): intents: unknown intent 'no_such_intent'/);
    expect(sim.appliedActions).toBe(before);
  });
});
