import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionIntent } from '../../shared/actions.js';
import { AuditEntrySchema, type AuditEntry } from '../../shared/audit.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import type { RoutingActionRequest, RoutingState } from '../../shared/protocol.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { PendingActionsJournal } from '../../electron/core/routing/pending-journal.js';
import { RoutingProviderError, type RoutingProvider } from '../../electron/core/routing/provider.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';

/**
 * The routing feature through a real ConsoleService on a real data folder, with a provider held
 * in memory that can be made slow or silent: what happens to actions confirmed before a restart,
 * and what the operator hears while the provider takes its time.
 */

const T = Date.UTC(2026, 3, 1, 8);

class MemoryProvider implements RoutingProvider {
  state: RoutingState = {
    version: 1,
    mode: 'live',
    agentShare: 25,
    agentVersion: 'v2',
    previousVersion: 'v1',
    intents: { order_status: 'agent', billing: 'agent' },
    updatedAt: new Date(T).toISOString(),
    updatedBy: 'system',
  };
  posts: string[] = [];
  applied = 0;
  /** Held before answering a POST (after applying it) or a GET; resolves to go on. */
  holdPost: (() => Promise<void>) | null = null;
  holdGet: (() => Promise<void>) | null = null;
  silentPosts = false;
  private readonly keys = new Set<string>();

  async getState(signal?: AbortSignal): Promise<RoutingState> {
    if (this.holdGet) await this.holdGet();
    signal?.throwIfAborted();
    return this.state;
  }

  async applyAction(req: RoutingActionRequest, key: string, signal?: AbortSignal): Promise<RoutingState> {
    this.posts.push(key);
    if (this.silentPosts) {
      return new Promise((_r, reject) =>
        signal?.addEventListener('abort', () => reject(new RoutingProviderError('no reply', 'timeout', true))),
      );
    }
    if (!this.keys.has(key)) {
      this.keys.add(key);
      this.applied++;
      const s = this.state;
      this.state = {
        ...s,
        version: s.version + 1,
        mode: req.action === 'stop_all' ? 'stopped' : req.action === 'resume' ? 'live' : req.action === 'pause_ramp' ? 'paused' : s.mode,
        agentShare: req.action === 'set_share' ? (req.share ?? s.agentShare) : s.agentShare,
        updatedBy: req.operator,
      };
    }
    if (this.holdPost) await this.holdPost();
    return this.state;
  }
}

const dirs: string[] = [];
const services: ConsoleService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'routing-restart-'));
  dirs.push(dir);
  return dir;
}

async function open(dataDir: string, provider: RoutingProvider, config: Record<string, unknown> = {}): Promise<ConsoleService> {
  const service = await ConsoleService.open({
    config: LaunchConfigSchema.parse({ routing: { timeoutMs: 200, retries: 1 }, intents: ['order_status', 'billing'], ...config }),
    dataDir,
    provider,
  });
  services.push(service);
  await service.handlers['operator:set-shift-owner']({ name: 'Dana' });
  return service;
}

/** Intents as a console that died after confirming them would have left them. */
async function leavePending(dataDir: string, intents: ActionIntent[]): Promise<void> {
  const journal = await PendingActionsJournal.open(fileStorage(dataDir).document('pending-actions'));
  for (const i of intents) await journal.put(i);
}

function intent(n: number, req: Partial<RoutingActionRequest> & Pick<RoutingActionRequest, 'action'>, extra: Partial<ActionIntent> = {}): ActionIntent {
  return { id: `intent-${n}`, idempotencyKey: `key-${n}`, req: { operator: 'Ana', ...req }, createdAt: T + n, ...extra };
}

function actionEntries(dataDir: string): AuditEntry[] {
  return readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => AuditEntrySchema.parse(JSON.parse(l)))
    .filter((e) => e.type === 'action');
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const limit = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('actions pending at a restart', () => {
  it('audits each action found applied before reading back the next, so a crash in between loses none', async () => {
    const dataDir = folder();
    const provider = new MemoryProvider();
    provider.state = { ...provider.state, mode: 'stopped', agentShare: 40, version: 3 };
    await leavePending(dataDir, [intent(1, { action: 'stop_all' }), intent(2, { action: 'set_share', share: 40 })]);
    let reads = 0;
    let entriesAtSecondRead = -1;
    provider.holdGet = async () => {
      reads++;
      if (reads === 2) entriesAtSecondRead = actionEntries(dataDir).length;
    };
    const service = await open(dataDir, provider);
    await service.routingActions.whenResumed();
    expect(entriesAtSecondRead).toBe(1);
    const entries = actionEntries(dataDir);
    expect(entries.map((e) => (e.data as { intentId: string }).intentId)).toEqual(['intent-1', 'intent-2']);
    expect(entries.every((e) => (e.data as { applied: string }).applied === 'yes')).toBe(true);
    expect(provider.posts).toEqual([]);
    expect(service.routingActions.view().pendingAfterRestart).toEqual([]);
  });

  it('sends nothing again without a confirm: the operator sees the provider state and decides', async () => {
    const dataDir = folder();
    const provider = new MemoryProvider();
    await leavePending(dataDir, [intent(1, { action: 'stop_all', reason: 'P95 over target' }), intent(2, { action: 'pause_ramp' })]);
    const service = await open(dataDir, provider);
    await service.routingActions.whenResumed();
    expect(provider.posts).toEqual([]);
    const shown = service.routingActions.view().pendingAfterRestart;
    expect(shown.map((p) => [p.intent.id, p.check, p.state?.mode])).toEqual([
      ['intent-1', 'not-applied', 'live'],
      ['intent-2', 'not-applied', 'live'],
    ]);

    const sent = await service.handlers['routing:resolve-pending']({ intentId: 'intent-1', decision: 'resend' });
    expect(sent.status).toBe('verified');
    expect(provider.posts).toEqual(['key-1']);
    const dropped = await service.handlers['routing:resolve-pending']({ intentId: 'intent-2', decision: 'discard', reason: 'paused by hand' });
    expect(dropped).toMatchObject({ status: 'failed', applied: 'no', sent: false });
    expect(dropped.knownText).toContain('Dana chose not to send it again');
    expect(provider.posts).toEqual(['key-1']);

    const entries = actionEntries(dataDir);
    expect(entries).toHaveLength(2);
    expect(entries[0]?.data).toMatchObject({ intentId: 'intent-1', applied: 'yes', resumedAfterRestart: { decidedBy: 'Dana', reason: null } });
    expect(entries[1]?.data).toMatchObject({ intentId: 'intent-2', applied: 'no', resumedAfterRestart: { decidedBy: 'Dana', reason: 'paused by hand' } });
    expect(service.routingActions.view().pendingAfterRestart).toEqual([]);
    await expect(PendingActionsJournal.open(fileStorage(dataDir).document('pending-actions')).then((j) => j.list())).resolves.toEqual([]);
  });

  it('audits an action once when the crash came between its audit entry and the journal forgetting it', async () => {
    const dataDir = folder();
    const provider = new MemoryProvider();
    const first = await open(dataDir, provider);
    const prepared = await first.handlers['routing:prepare']({ action: 'stop_all' });
    await first.handlers['routing:execute']({ intentId: prepared.intent.id });
    await first.stop();
    services.length = 0;
    await leavePending(dataDir, [prepared.intent]);

    const second = await open(dataDir, provider);
    await second.routingActions.whenResumed();
    expect(actionEntries(dataDir)).toHaveLength(1);
    expect(second.routingActions.view().pendingAfterRestart).toEqual([]);
  });

  it('lets an automatic action proceed as its countdown promised only once its rule breaches on fresh data', async () => {
    const dataDir = folder();
    const provider = new MemoryProvider();
    const auto = { trigger: 'alert: P95 turn latency', ruleId: 'p95-latency', kpis: ['turnLatencyP95' as const] };
    await leavePending(dataDir, [intent(1, { action: 'stop_all', operator: 'auto-act (Ana)' }, { automatic: auto })]);
    const service = await open(dataDir, provider);
    await service.routingActions.whenResumed();
    const [waiting] = service.routingActions.view().pendingAfterRestart;
    expect(waiting?.automaticNote).toContain('Waiting for fresh data on its rule');
    // No stream yet: the rule cannot be judged on fresh data, so nothing is sent.
    service.tick();
    expect(provider.posts).toEqual([]);
  });
});

describe('action feedback', () => {
  it('gives a verdict by the deadline, then the final outcome, audited once', async () => {
    const dataDir = folder();
    const provider = new MemoryProvider();
    let release!: () => void;
    provider.holdPost = () => new Promise<void>((r) => (release = r));
    const service = await open(dataDir, provider, { routing: { timeoutMs: 5000, retries: 0, deadlineMs: 150 }, runbooks: { stop: ['Call the carrier'] } });
    const prepared = await service.handlers['routing:prepare']({ action: 'stop_all' });
    const started = Date.now();
    const interim = await service.handlers['routing:execute']({ intentId: prepared.intent.id });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(interim).toMatchObject({ status: 'unverified', applied: 'unknown', background: true, runbook: ['Call the carrier'] });
    expect(interim.knownText).toContain('No verdict within 0.15 s');
    expect(interim.knownText).toContain('Still trying in the background');
    expect(service.routingActions.view().inFlight).toMatchObject({ background: true, step: 'sending' });
    expect(actionEntries(dataDir)).toHaveLength(0);

    release();
    await until(() => service.routingActions.view().lastOutcome?.background !== true, 'the final outcome');
    expect(service.routingActions.view().lastOutcome).toMatchObject({ status: 'verified', intentId: prepared.intent.id });
    await until(() => actionEntries(dataDir).length === 1, 'the audit entry');
  });

  it('says it is reading back, not sending, once the POSTs are over, and shows the read-back in the sidebar at once', async () => {
    const dataDir = folder();
    const provider = new MemoryProvider();
    const service = await open(dataDir, provider, { routing: { timeoutMs: 50, retries: 1, deadlineMs: 5000 } });
    provider.silentPosts = true;
    const stepsDuringRead: unknown[] = [];
    provider.holdGet = async () => {
      stepsDuringRead.push(service.routingActions.view().inFlight);
    };
    const prepared = await service.handlers['routing:prepare']({ action: 'stop_all' });
    await service.handlers['routing:execute']({ intentId: prepared.intent.id });
    expect(stepsDuringRead).toMatchObject([
      { step: 'reading-back', attempt: 1, maxAttempts: 2 },
      { step: 'reading-back', attempt: 2, maxAttempts: 2 },
    ]);

    provider.silentPosts = false;
    provider.holdGet = null;
    const observedBefore = service.snapshot().routing.state?.version ?? 0;
    const p2 = await service.handlers['routing:prepare']({ action: 'set_share', share: 10 });
    const outcome = await service.handlers['routing:execute']({ intentId: p2.intent.id });
    expect(outcome.status).toBe('verified');
    const shown = service.snapshot().routing;
    expect(shown.state?.agentShare).toBe(10);
    expect(shown.state?.version).toBeGreaterThan(observedBefore);
    expect(shown.source).toBe('provider');
  });

  it("shows a failed action the runbook of its own kind, and today's runbook for kinds without one", async () => {
    const dataDir = folder();
    const provider = new MemoryProvider();
    const service = await open(dataDir, provider, {
      routing: { timeoutMs: 30, retries: 0, deadlineMs: 5000 },
      runbook: ['Open the carrier console'],
      runbooks: { stop: ["Set the agent's share to 0%"], resume: ['Point every number back at the agent'] },
    });
    provider.silentPosts = true;
    provider.holdGet = () => Promise.reject(new RoutingProviderError('down', 'refused', true));
    const resume = await service.handlers['routing:execute']({
      intentId: (await service.handlers['routing:prepare']({ action: 'resume' })).intent.id,
    });
    expect(resume.status).not.toBe('verified');
    expect(resume.runbook).toEqual(['Point every number back at the agent']);
    const pause = await service.handlers['routing:execute']({
      intentId: (await service.handlers['routing:prepare']({ action: 'pause_ramp' })).intent.id,
    });
    expect(pause.runbook).toEqual(['Open the carrier console']);
  });
});
