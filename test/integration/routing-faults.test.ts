import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RoutingActionRequest } from '../../shared/protocol.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { ActionExecutor, ActionInterruptedError } from '../../electron/core/routing/action-executor.js';
import { PendingActionsJournal } from '../../electron/core/routing/pending-journal.js';
import { HttpRoutingProvider } from '../../electron/core/routing/provider.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';

/**
 * The executor against the real simulator behind a misbehaving network. Every case must end
 * verified with exactly one applied action on the provider, or with a clear unverified/failed
 * outcome, and never with a duplicate.
 */

// Generous, so a slow machine does not turn a healthy request into a timeout.
const TIMEOUT_MS = 800;
const stop: RoutingActionRequest = { action: 'stop_all', operator: 'ana', reason: 'latency spike' };

let sim: SimHandle;
let proxy: FaultProxy;
const dirs: string[] = [];

/** An executor on the data folder's journal, read back as a restarted console reads it. */
async function executor(dataDir = mkdtempSync(join(tmpdir(), 'routing-faults-'))) {
  if (!dirs.includes(dataDir)) dirs.push(dataDir);
  const provider = new HttpRoutingProvider({ baseUrl: proxy.url, token: sim.token, timeoutMs: 5000 });
  const journal = await PendingActionsJournal.open(fileStorage(dataDir).document('pending-actions'));
  return {
    dataDir,
    executor: new ActionExecutor({ provider, journal, timeoutMs: TIMEOUT_MS, retries: 3, baseDelayMs: 20, maxDelayMs: 100, runbookFor: () => ['Call the carrier'] }),
  };
}

/** Puts the simulator back to live without going through the proxy. */
async function resetToLive(): Promise<void> {
  const direct = new HttpRoutingProvider({ baseUrl: sim.url, token: sim.token, timeoutMs: 2000 });
  await direct.applyAction({ action: 'resume', operator: 'test' }, `reset-${Math.random()}`);
}

beforeAll(async () => {
  sim = await startSimulator({ manualClock: true, seed: 11, rate: 2 });
  proxy = await startFaultProxy(sim.url);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
beforeEach(async () => {
  await proxy.setMode('pass');
  await resetToLive();
});

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

async function appliedDuring(fn: () => Promise<void>): Promise<number> {
  const before = sim.appliedActions;
  await fn();
  await proxy.settled();
  return sim.appliedActions - before;
}

describe('routing actions through a faulty network', () => {
  it('pass: verified, applied once', async () => {
    const { executor: ex } = await executor();
    const delta = await appliedDuring(async () => {
      const o = await ex.execute(ex.prepare(stop));
      expect(o).toMatchObject({ status: 'verified', applied: 'yes', attempts: 1 });
      expect(o.readBack?.mode).toBe('stopped');
    });
    expect(delta).toBe(1);
    expect(sim.routing().mode).toBe('stopped');
  });

  it('slow: the first attempts time out and arrive late; one key, applied once', async () => {
    await proxy.setMode('slow', { method: 'POST', times: 2, delayMs: TIMEOUT_MS + 400 });
    const { executor: ex } = await executor();
    const delta = await appliedDuring(async () => {
      const o = await ex.execute(ex.prepare(stop));
      expect(o.status).toBe('verified');
      expect(o.attempts).toBeGreaterThanOrEqual(3);
    });
    expect(delta).toBe(1);
  });

  it('fail-half: every other request is a 503; retried to verified, applied once', async () => {
    await proxy.setMode('fail-half');
    const { executor: ex } = await executor();
    const delta = await appliedDuring(async () => {
      const o = await ex.execute(ex.prepare(stop));
      expect(o).toMatchObject({ status: 'verified', attempts: 2 });
    });
    expect(delta).toBe(1);
  });

  it('drop-reply on the POST: applied but the reply is lost; the retry replays, verified, applied once', async () => {
    await proxy.setMode('drop-reply', { method: 'POST', times: 2 });
    const { executor: ex } = await executor();
    const delta = await appliedDuring(async () => {
      const o = await ex.execute(ex.prepare(stop));
      expect(o).toMatchObject({ status: 'verified', attempts: 3 });
      expect(o.knownText).toMatch(/^Applied, verified by read-back in \d+ ms \(sent 3 times with one idempotency key\)$/);
    });
    expect(delta).toBe(1);
  });

  it('drop-reply on everything: applied once, and honestly unverified', async () => {
    await proxy.setMode('drop-reply');
    const { executor: ex } = await executor();
    const delta = await appliedDuring(async () => {
      const o = await ex.execute(ex.prepare(stop));
      expect(o).toMatchObject({ status: 'unverified', applied: 'unknown', sent: true, attempts: 4 });
      expect(o.knownText).toBe('Sent 4 times, no reply, and read-back failed: whether the change is applied is unknown');
      expect(o.runbook).toEqual(['Call the carrier']);
    });
    expect(delta).toBe(1);
    expect(sim.routing().mode).toBe('stopped');
  });

  it('down: refused at connect, not sent, nothing applied', async () => {
    await proxy.setMode('down');
    const { executor: ex } = await executor();
    const delta = await appliedDuring(async () => {
      const o = await ex.execute(ex.prepare(stop));
      expect(o).toMatchObject({ status: 'failed', sent: false, applied: 'no', attempts: 4 });
      expect(o.error).toMatch(/refused the connection/);
    });
    expect(delta).toBe(0);
    expect(sim.routing().mode).toBe('live');
  });

  it('a restart mid-request: sent again on the operator\'s confirm with the same key, applied once', async () => {
    await proxy.setMode('slow', { method: 'POST', times: 1, delayMs: TIMEOUT_MS / 2 });
    const first = await executor();
    const intent = first.executor.prepare(stop);
    const delta = await appliedDuring(async () => {
      const running = first.executor.execute(intent);
      // The console dies while the request is held in the network.
      await until(() => proxy.received.POST === 1);
      first.executor.stop();
      await expect(running).rejects.toBeInstanceOf(ActionInterruptedError);

      const second = await executor(first.dataDir);
      const [pending] = second.executor.pending();
      expect(pending?.idempotencyKey).toBe(intent.idempotencyKey);
      // The operator confirms "Send again": the same key, so the provider applies it once.
      const outcome = await second.executor.execute(pending!);
      expect(outcome).toMatchObject({ intentId: intent.id, status: 'verified' });
      await second.executor.forget(outcome!.intentId);
      expect(second.executor.pending()).toEqual([]);
    });
    expect(delta).toBe(1);
  });
});
