import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { auditEntriesIn, play, until } from '../support/console-on-simulator.js';

/**
 * A launch run by the ladder against the real simulator over loopback. The simulator's clock is
 * manual and the ladder runs on the launch clock (stream time), so hours of canary take seconds.
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

async function start(opts: { rehearsalProvider?: boolean } = {}): Promise<Run> {
  const sim = await startSimulator({ manualClock: true, startTime: T0, seed: 5, rate: 3, agentShare: 5 });
  const dataDir = mkdtempSync(join(tmpdir(), 'rollout-launch-'));
  const staging = opts.rehearsalProvider ? await startSimulator({ manualClock: true, startTime: T0, seed: 6, rate: 0 }) : null;
  const config = LaunchConfigSchema.parse({
    launchName: 'Ladder launch',
    stream: { url: sim.url, staleAfterSec: 30 },
    routing: { baseUrl: sim.url, timeoutMs: 1000, retries: 1 },
    rollout: {
      stages: [
        { name: 'Canary', share: 5, minHoldMin: 30, checks: ['Support volume normal'], sampleReview: true, criteria: [{ kind: 'no-critical-alert' }, { kind: 'kpi-floor', kpi: 'taskCompletion', target: 0.7 }] },
        { name: 'Limited', share: 25, minHoldMin: 60 },
        { name: 'Full', share: 100, minHoldMin: 0 },
      ],
    },
    ...(staging ? { rehearsal: { routing: { baseUrl: staging.url } } } : {}),
  });
  const service = await ConsoleService.open({ config, dataDir, routingToken: sim.token, ...(staging ? { rehearsalToken: staging.token } : {}) });
  const run = { sim, service, dataDir };
  runs.push(run);
  if (staging) runs.push({ sim: staging, service: { stop: async () => undefined } as unknown as ConsoleService, dataDir: mkdtempSync(join(tmpdir(), 'x-')) });
  service.stream.start();
  await until(() => service.stream.status().launchId !== null, 'the stream hello');
  await service.handlers['operator:set-shift-owner']({ name: 'Dana' });
  await service.handlers['routing:refresh']({});
  return run;
}

const audit = (run: Run): AuditEntry[] => auditEntriesIn(run.dataDir);

const rollout = (run: Run) => run.service.snapshot().rollout;

describe('a simulated launch on the ladder', () => {
  it('is promoted from 5% to 25% only after its hold, its criteria and a reviewed sample from the stage', async () => {
    const run = await start();
    await play(run, 2 * MIN, 60_000);
    expect(rollout(run).position).toEqual({ kind: 'on', stage: 0 });
    await expect(run.service.handlers['rollout:promote']({})).rejects.toThrow(/not yet: .*Minimum hold of 30 min: Held 1 min/);

    await play(run, 30 * MIN, 60_000);
    const view = rollout(run);
    expect(view.holdRemainingMs).toBe(0);
    expect(view.canPromote).toBe(false);
    const tc = view.criteria.find((c) => c.kpi === 'taskCompletion')!;
    expect(tc.state).toBe('met');
    expect(tc.bound).toBeLessThan(tc.estimate!);
    expect(tc.reason).toMatch(/95% lower bound/);
    expect(view.promoteBlockers.join('\n')).toMatch(/Support volume normal.*Not ticked yet/);
    expect(view.promoteBlockers.join('\n')).toMatch(/No sample drawn from the stage's time range yet/);

    await run.service.handlers['rollout:check']({ index: 0, person: 'Priya (support lead)', note: 'tickets flat at 12/h', done: true });
    const span = view.spans.at(-1)!;
    const session = await run.service.handlers['sampling:start']({ name: 'Canary sample', range: { from: span.from, to: view.now }, size: 20, overweightFailures: false });
    const detail = await run.service.handlers['sampling:session']({ sessionId: session.id });
    await until(() => {
      run.service.tick();
      return /"Canary sample": 0 of 20 calls annotated/.test(rollout(run).promoteBlockers.join('\n'));
    }, 'the drawn sample to be seen');
    for (const call of detail.stored.calls) await run.service.handlers['sampling:annotate']({ sessionId: session.id, callId: call.id, verdict: 'pass' });
    await until(() => {
      run.service.tick();
      return rollout(run).canPromote;
    }, 'the sample review to count');

    const outcome = await run.service.handlers['rollout:promote']({ reason: 'canary clean' });
    expect(outcome.status).toBe('verified');
    expect(run.sim.routing().agentShare).toBe(25);
    await play(run, MIN, 60_000);
    const after = rollout(run);
    expect(after.position).toEqual({ kind: 'on', stage: 1 });
    expect(after.spans[0]).toMatchObject({ name: 'Canary', leftHow: 'promoted by Dana', leftBy: 'Dana' });
    expect(after.spans[0]!.heldMs).toBeGreaterThanOrEqual(30 * MIN);
    expect(after.spans[0]!.figuresAtExit!.counts.connected).toBeGreaterThan(50);
    const entries = audit(run);
    expect(entries.some((e) => e.type === 'rollout' && /Promotion from Canary \(5%\) to Limited \(25%\) asked: canary clean/.test(e.summary))).toBe(true);
    expect(entries.some((e) => e.type === 'action' && (e.data as { request?: { action?: string; share?: number } }).request?.share === 25)).toBe(true);
  }, 60_000);

  it('holds the ladder on a fault during the canary, offers the rule behind it, and counts nothing while the ramp is paused', async () => {
    const run = await start();
    await play(run, 5 * MIN, 60_000);
    run.sim.setFault('pii-leak', true);
    await play(run, 3 * MIN, 60_000);
    const view = rollout(run);
    const c = view.criteria.find((x) => x.label === 'No critical alert fired in the stage')!;
    expect(c.state).toBe('unmet');
    expect(c.ruleId).toBe('pii-event');
    const rule = run.service.snapshot().alerts.alerts.find((a) => a.rule.id === c.ruleId)!;
    expect(rule.rule.recommendedAction?.action).toBe('stop_all');

    const prepared = await run.service.handlers['routing:prepare']({ action: 'pause_ramp' });
    await run.service.handlers['routing:execute']({ intentId: prepared.intent.id });
    await play(run, MIN, 60_000);
    const held = rollout(run).heldMs;
    await play(run, 10 * MIN, 60_000);
    expect(rollout(run).heldMs).toBe(held);
    expect(rollout(run).frozenWhy).toMatch(/Ramp paused/);

    const stop = await run.service.handlers['routing:prepare']({ action: 'stop_all' });
    await run.service.handlers['routing:execute']({ intentId: stop.intent.id });
    await play(run, MIN, 60_000);
    expect(rollout(run).position).toMatchObject({ kind: 'halted', why: 'All traffic stopped' });
    await expect(run.service.handlers['rollout:return-to']({ stage: 0 })).rejects.toThrow(/resume it under Emergency controls first/);
  }, 60_000);

  it('measures a rehearsal on the live provider end to end, from the trigger to the stream showing fallback calls and the restore', async () => {
    const run = await start();
    await play(run, 2 * MIN, 60_000);
    await run.service.handlers['rehearsal:start']({ action: 'route_fallback' });
    expect(rollout(run).rehearsal.provider).toMatch(/^the live routing provider/);
    await run.service.handlers['rehearsal:trigger']({});
    expect(run.sim.routing().mode).toBe('fallback');
    await play(run, 2 * MIN, 20_000);
    await run.service.handlers['rehearsal:restore']({});
    expect(run.sim.routing().mode).toBe('live');
    await run.service.handlers['rehearsal:tick']({ kind: 'manual', text: 'Posted in the incident channel' });
    const view = await run.service.handlers['rehearsal:finish']({});
    const done = view.rehearsal.recent[0]!;
    expect(done.steps.map((s) => s.kind)).toEqual(['triggered', 'verified', 'fallback-seen', 'manual', 'restored', 'manual']);
    expect(done).toMatchObject({ passed: true, by: 'Dana', live: true });
    const gate = run.service.snapshot().gates.rows.find((r) => r.id === 'rollback')!;
    expect(gate.items.find((i) => i.text === 'Rollback rehearsed')).toMatchObject({ done: true, source: 'rollback rehearsal' });
    expect(gate.items.find((i) => i.text === 'Fallback routing tested')!.done).toBe(true);
  }, 60_000);

  it('rehearses on its own provider when one is configured, never touching live routing', async () => {
    const run = await start({ rehearsalProvider: true });
    await run.service.handlers['rehearsal:start']({ action: 'stop_all' });
    expect(rollout(run).rehearsal).toMatchObject({ live: false });
    expect(rollout(run).rehearsal.provider).toMatch(/^the rehearsal provider/);
    await run.service.handlers['rehearsal:trigger']({});
    expect(run.sim.routing().mode).toBe('live');
    await run.service.handlers['rehearsal:tick']({ kind: 'fallback-heard', text: 'dialled the staging number, heard the hold message' });
    await run.service.handlers['rehearsal:restore']({});
    const done = (await run.service.handlers['rehearsal:finish']({})).rehearsal.recent[0]!;
    expect(done.passed).toBe(true);
    expect(audit(run).filter((e) => e.type === 'action')).toHaveLength(0);
  }, 60_000);
});

describe('the launch decision', () => {
  it('blocks go until every row holds, and freezes the decision with the table into the audit log', async () => {
    const run = await start();
    await play(run, 2 * MIN, 60_000);
    const h = run.service.handlers;
    await expect(h['gates:decide']({ decision: 'go' })).rejects.toThrow(/"go" is blocked: Functional: Not passed \(No owner/);
    await expect(h['gates:set-mode']({ mode: 'minimum' })).rejects.toThrow(/needs a recorded reason/);
    await h['gates:set-mode']({ mode: 'minimum', reason: 'internal pilot line, 30 callers' });
    for (const gate of ['functional', 'monitoring', 'rollback'] as const) {
      await h['gates:set-owner']({ gate, name: 'Ana' });
      await h['gates:add-evidence']({ gate, evidence: { kind: 'file', name: 'run.pdf', size: 1200, sha256: 'a'.repeat(64) } });
      await h['gates:set-result']({ gate, result: 'pass' });
    }
    const view = await h['gates:accept-risk']({ gate: 'rollback', why: 'rehearsal booked for Tuesday' });
    expect(view.blockers.length).toBeGreaterThan(0);
    expect(view.blockers.join()).toMatch(/Monitoring: Not passed .*Gaps: .*Incident channel/);
    await h['gates:tick']({ gate: 'monitoring', index: 4, done: true });
    expect(run.service.snapshot().gates.blockers).toEqual([]);
    await h['gates:decide']({ decision: 'go', note: 'canary at 09:00' });
    const decided = run.service.snapshot().gates.lastDecision!;
    expect(decided).toMatchObject({ decision: 'go', by: 'Dana', note: 'canary at 09:00' });
    const entry = audit(run).find((e) => e.seq === decided.auditSeq)!;
    expect(entry.type).toBe('decision');
    expect(entry.summary).toMatch(/^Launch decision: GO: canary at 09:00 \(Functional pass, Performance not required/);
    const html = await h['gates:export']({ format: 'html' });
    expect(html.content).toMatch(/GO decided by Dana/);
    expect(html.content).toMatch(/sha256 <code>a{64}<\/code>/);
    const json = JSON.parse((await h['gates:export']({ format: 'json' })).content) as { decision: { rows: unknown[] } };
    expect(json.decision.rows).toHaveLength(6);
  }, 60_000);
});
