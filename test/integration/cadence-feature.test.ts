import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsolePush } from '../../shared/bridge.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import { CallEventSchema, STREAM_NAMESPACE } from '../../shared/protocol.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { confSettings } from '../../electron/core/storage/conf-settings.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import type { AuditEntry } from '../../shared/audit.js';

/**
 * The review cadence in the real console engine, fed by the real simulator over loopback. The
 * simulator's clock is manual, so the launch clock (stream time) jumps an hour in a millisecond;
 * the engine's ticks are driven by hand so each notification can be counted.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;

let sim: SimHandle;
const dataDirs: string[] = [];
let watcher: Socket;
let earliestStart = Infinity;
let watcherSeq = 0;

const config = () =>
  LaunchConfigSchema.parse({ stream: { url: sim.url, staleAfterSec: 3600 }, routing: { baseUrl: sim.url } });

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadence-feature-'));
  dataDirs.push(dir);
  return dir;
}

async function startService(dataDir: string): Promise<{ service: ConsoleService; pushes: ConsolePush[] }> {
  const service = await ConsoleService.open({
    config: config(),
    dataDir,
    routingToken: sim.token,
    settings: confSettings(dataDir),
    pushIntervalMs: 3_600_000,
  });
  const pushes: ConsolePush[] = [];
  service.onPush((p) => pushes.push(p));
  service.start();
  return { service, pushes };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Moves simulated time on and waits until the console and the watcher have every event emitted by then. */
async function play(service: ConsoleService, ms: number): Promise<void> {
  sim.advance(ms);
  const target = sim.seq();
  await until('the stream to deliver', () => service.stream.status().seq >= target && watcherSeq >= target);
}

/**
 * Ticks the engine and lets what the tick began finish: a notice is pushed only once it is marked
 * sent in storage, a step that completes within the microtasks before the next macrotask.
 */
async function tick(service: ConsoleService): Promise<void> {
  service.tick();
  await new Promise((r) => setImmediate(r));
}

function notifications(pushes: ConsolePush[]): string[] {
  return pushes.flatMap((p) => (p.kind === 'notification' ? [p.id] : []));
}

/** Handlers may throw before returning a promise; this turns both into a rejection. */
async function attempt<T>(call: () => T | Promise<T>): Promise<T> {
  return call();
}

function auditLines(dataDir: string): AuditEntry[] {
  return readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AuditEntry);
}

beforeAll(async () => {
  sim = await startSimulator({ manualClock: true, seed: 21, rate: 0.05 });
  // A second listener on the same stream: the calls the console saw, to know the true first start.
  watcher = io(`${sim.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
  watcher.on('call', (payload: unknown) => {
    const e = CallEventSchema.parse(payload);
    earliestStart = Math.min(earliestStart, Date.parse(e.call.startedAt));
    watcherSeq = Math.max(watcherSeq, e.seq);
  });
  for (const name of ['metric', 'routing']) watcher.on(name, (p: { seq: number }) => (watcherSeq = Math.max(watcherSeq, p.seq)));
  await new Promise<void>((resolve, reject) => {
    watcher.once('hello', () => resolve());
    watcher.once('connect_error', reject);
  });
});
afterAll(async () => {
  watcher.close();
  await sim.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('the review cadence in the console engine', () => {
  it('starts T0 at the first live call, announces the first-hour review once when due and once overdue, and keeps it all across a restart', async () => {
    const dataDir = freshDataDir();
    const first = await startService(dataDir);
    await until('the stream hello', () => first.service.stream.status().launchId !== null);
    expect(first.service.snapshot().cadence.clock).toBeNull();

    await play(first.service, 10 * MIN);
    const t0 = earliestStart;
    expect(Number.isFinite(t0)).toBe(true);
    const clock = first.service.snapshot().cadence.clock;
    expect(clock).toMatchObject({ t0: new Date(t0).toISOString(), source: 'first_call' });
    // The one copy of T0 is the settings file.
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({ launchClock: clock });

    const h1 = () => first.service.snapshot().cadence.reviews.find((r) => r.review.id === 'h1');
    expect(h1()?.review.dueAt).toBe(t0 + HOUR);
    expect(first.service.snapshot().cadence.nextReviewId).toBe('h1');

    // Just before T0+1h on the launch clock: upcoming, nothing announced.
    await play(first.service, t0 + HOUR - 2 * MIN - sim.now());
    await tick(first.service);
    expect(h1()?.status).toBe('upcoming');
    expect(notifications(first.pushes)).toEqual([]);

    await play(first.service, 4 * MIN);
    await tick(first.service);
    await tick(first.service);
    expect(h1()?.status).toBe('due');
    const dueId = `h1@${new Date(t0 + HOUR).toISOString()}:due`;
    expect(notifications(first.pushes)).toEqual([dueId]);
    const notice = first.pushes.find((p) => p.kind === 'notification');
    expect(notice).toMatchObject({ title: 'First-hour review (T0+1h) is due', severity: 'warning' });

    await play(first.service, 15 * MIN);
    await tick(first.service);
    await tick(first.service);
    expect(h1()?.status).toBe('overdue');
    const overdueId = `h1@${new Date(t0 + HOUR).toISOString()}:overdue`;
    expect(notifications(first.pushes)).toEqual([dueId, overdueId]);

    // Acting needs a shift owner; the review freezes the live figures when opened.
    const h = first.service.handlers;
    await expect(attempt(() => h['review:open']({ reviewId: 'h1' }))).rejects.toThrow(/shift owner/);
    await h['operator:set-shift-owner']({ name: 'Dana', note: 'watch refunds' });
    const opened = await h['review:open']({ reviewId: 'h1' });
    expect(opened.openedBy).toBe('Dana');
    expect(opened.evidence.calls).toBeGreaterThan(0);
    // The review's own span from T0, out of the KPI history, not a rolling window.
    expect(opened.evidence.metricsWindowMin).toBeNull();
    expect(opened.evidence.span?.minutes).toBeGreaterThanOrEqual(60);
    expect(Date.parse(opened.evidence.span?.from ?? '')).toBe(Math.floor(t0 / 60_000) * 60_000);
    expect(opened.evidence.kpis.find((k) => k.kpi === 'turnLatencyP95')?.value).toBeGreaterThan(0);
    expect(Date.parse(opened.evidence.capturedAt)).toBeGreaterThanOrEqual(t0 + HOUR + 15 * MIN);
    await play(first.service, 5 * MIN);
    expect((await h['review:open']({ reviewId: 'h1' })).evidence).toEqual(opened.evidence);

    await expect(attempt(() => h['review:complete']({ reviewId: 'h1', decision: 'hold' }))).rejects.toThrow(/no verdict yet/);
    for (const check of h1()?.review.checks ?? []) {
      const verdict = check.id === 'latency_spikes' ? 'issue' : 'ok';
      await h['review:check']({ reviewId: 'h1', checkId: check.id, verdict, note: verdict === 'issue' ? 'P95 above target' : '' });
    }
    const done = await h['review:complete']({ reviewId: 'h1', decision: 'hold' });
    expect(done).toMatchObject({ decision: 'hold', completedBy: 'Dana' });
    await expect(attempt(() => h['review:check']({ reviewId: 'h1', checkId: 'failed_calls', verdict: 'issue', note: '' }))).rejects.toThrow(/read-only/);
    expect(h1()?.status).toBe('done');
    expect(first.service.snapshot().cadence.nextReviewId).toBe('h4');

    // The rollout's own entries (the ladder finding its stage) are another feature's record.
    const audit = auditLines(dataDir).filter((e) => e.type !== 'rollout');
    expect(audit.map((e) => e.type)).toEqual(['launch', 'shift', 'review', 'review']);
    expect(audit[3]).toMatchObject({
      operator: 'Dana',
      summary: 'First-hour review (T0+1h) completed: hold the ramp (3 checks OK, 1 with an issue)',
      data: { reviewId: 'h1', decision: 'hold' },
    });
    await first.service.stop();

    // A restart on the same data directory: same T0, the review done, nothing announced again.
    const second = await startService(dataDir);
    await until('the stream to replay', () => second.service.stream.status().seq >= sim.seq());
    await tick(second.service);
    const view = second.service.snapshot().cadence;
    expect(view.clock).toEqual(clock);
    expect(view.reviews.find((r) => r.review.id === 'h1')).toMatchObject({ status: 'done', record: { decision: 'hold' } });
    expect(view.shiftHistory.map((o) => o.name)).toEqual(['Dana']);
    expect(second.service.snapshot().operator?.name).toBe('Dana');
    expect(notifications(second.pushes)).toEqual([]);

    // The next review is announced on its own time, once.
    await play(second.service, t0 + 4 * HOUR + MIN - sim.now());
    await tick(second.service);
    await tick(second.service);
    expect(notifications(second.pushes)).toEqual([`h4@${new Date(t0 + 4 * HOUR).toISOString()}:due`]);
    await second.service.stop();
  });

  it('lets the operator set T0, which a later call never moves, and clear it for the next call to set', async () => {
    const dataDir = freshDataDir();
    const { service } = await startService(dataDir);
    await until('the stream hello', () => service.stream.status().launchId !== null);
    const h = service.handlers;
    await expect(attempt(() => h['cadence:set-t0']({ t0: new Date(sim.now()).toISOString() }))).rejects.toThrow(/shift owner/);
    await h['operator:set-shift-owner']({ name: 'Dana' });
    const chosen = new Date(sim.now() - 30 * MIN).toISOString();
    const set = await h['cadence:set-t0']({ t0: chosen });
    expect(set).toMatchObject({ t0: chosen, source: 'operator', setBy: 'Dana' });
    await play(service, 10 * MIN);
    expect(service.snapshot().cadence.clock?.t0).toBe(chosen);
    expect(service.snapshot().cadence.reviews[0]?.review.dueAt).toBe(Date.parse(chosen) + HOUR);

    await h['cadence:set-t0']({ t0: null });
    expect(service.snapshot().cadence.reviews).toEqual([]);
    const before = sim.now();
    await play(service, 10 * MIN);
    const t0 = Date.parse(service.snapshot().cadence.clock?.t0 ?? '');
    expect(t0).toBeGreaterThanOrEqual(before - 10 * MIN);
    expect(service.snapshot().cadence.clock?.source).toBe('first_call');
    expect(auditLines(dataDir).filter((e) => e.type === 'launch').map((e) => e.operator).slice(-3)).toEqual(['Dana', 'Dana', 'first live call']);
    await service.stop();
  });

  it('keeps the known issues the team edits, each change in the audit log', async () => {
    const dataDir = freshDataDir();
    const { service } = await startService(dataDir);
    const h = service.handlers;
    await h['operator:set-shift-owner']({ name: 'Dana' });
    const added = await h['known-issue:upsert']({ title: 'Refunds loop on the amount', intent: 'refund' });
    expect(added).toMatchObject({ id: 'KI-1', status: 'open', updatedBy: 'Dana' });
    const edited = await h['known-issue:upsert']({ id: 'KI-1', title: 'Refunds loop on the amount', intent: 'refund', status: 'monitoring' });
    expect(edited).toMatchObject({ status: 'monitoring', firstSeen: added.firstSeen });
    await h['known-issue:upsert']({ id: 'KI-1', title: 'Refunds loop on the amount', intent: 'refund', status: 'monitoring' });
    await expect(attempt(() => h['known-issue:upsert']({ id: 'KI-9', title: 'x' }))).rejects.toThrow(/no known issue "KI-9"/);
    expect(service.snapshot().cadence.knownIssues).toEqual([edited]);
    expect(auditLines(dataDir).filter((e) => e.type === 'known_issue').map((e) => e.summary)).toEqual([
      'Known issue added: KI-1 "Refunds loop on the amount" (open)',
      'Known issue updated: KI-1 "Refunds loop on the amount" (monitoring)',
    ]);
    await service.stop();
  });
});
