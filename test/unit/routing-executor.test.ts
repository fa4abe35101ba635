import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutingActionRequest, RoutingState } from '../../shared/protocol.js';
import { ActionExecutor, ActionInterruptedError, type ActionExecutorOptions } from '../../electron/core/routing/action-executor.js';
import { PendingActionsJournal } from '../../electron/core/routing/pending-journal.js';
import { RoutingProviderError, type RoutingProvider } from '../../electron/core/routing/provider.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';

/**
 * A provider held in memory, with the API's idempotency rule (one key applies once) and a
 * script of faults for the next calls. Enough to drive every path of the executor.
 */
type Fault = 'ok' | 'refuse' | '503' | '400' | 'apply-then-drop' | 'hang' | 'apply-then-hang';

class ScriptedProvider implements RoutingProvider {
  state: RoutingState = {
    version: 1,
    mode: 'live',
    agentShare: 100,
    agentVersion: 'v2',
    previousVersion: 'v1',
    intents: { a: 'agent', b: 'agent' },
    updatedAt: new Date(0).toISOString(),
    updatedBy: 'system',
  };
  applied = 0;
  posts: string[] = [];
  gets = 0;
  postScript: Fault[] = [];
  getScript: Fault[] = [];
  /** Runs when a POST arrives, before anything else: lets a test look at the world mid-request. */
  onPost: () => void = () => undefined;
  private readonly replies = new Map<string, RoutingState>();

  async applyAction(req: RoutingActionRequest, key: string, signal?: AbortSignal): Promise<RoutingState> {
    this.onPost();
    this.posts.push(key);
    const fault = this.postScript.shift() ?? 'ok';
    if (fault === 'refuse') throw new RoutingProviderError('refused', 'refused', true);
    if (fault === '503') throw new RoutingProviderError('failed (503)', 'http', true, 503);
    if (fault === '400') throw new RoutingProviderError('rejected the request (400): share: required', 'http', false, 400);
    if (fault === 'hang') return hang(signal);
    const result = this.apply(req, key);
    if (fault === 'apply-then-drop') throw new RoutingProviderError('connection reset', 'network', true);
    if (fault === 'apply-then-hang') return hang(signal);
    return result;
  }

  async getState(signal?: AbortSignal): Promise<RoutingState> {
    this.gets++;
    const fault = this.getScript.shift() ?? 'ok';
    if (fault === 'refuse') throw new RoutingProviderError('refused', 'refused', true);
    if (fault === 'hang') return hang(signal);
    return this.state;
  }

  private apply(req: RoutingActionRequest, key: string): RoutingState {
    const before = this.replies.get(key);
    if (before) return before;
    const s = this.state;
    const next: RoutingState = { ...s, version: s.version + 1, updatedBy: req.operator };
    if (req.action === 'stop_all') next.mode = 'stopped';
    if (req.action === 'pause_ramp') next.mode = 'paused';
    if (req.action === 'resume') next.mode = 'live';
    if (req.action === 'set_share') next.agentShare = req.share ?? s.agentShare;
    if (req.action === 'rollback') Object.assign(next, { agentVersion: s.previousVersion, previousVersion: s.agentVersion });
    this.state = next;
    this.applied++;
    this.replies.set(key, next);
    return next;
  }
}

function hang(signal?: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => {
      const timeout = signal.reason instanceof Error && signal.reason.name === 'TimeoutError';
      reject(new RoutingProviderError('no reply', timeout ? 'timeout' : 'aborted', timeout));
    });
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The journal as a restarted console reads it back from the data folder. */
const openJournal = (dataDir: string) => PendingActionsJournal.open(fileStorage(dataDir).document('pending-actions'));

const RUNBOOK = ['Call the telephony on-call: +1 555 0100', 'Switch the IVR to the human queue'];

async function setup(overrides: Partial<ActionExecutorOptions> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'routing-exec-'));
  dirs.push(dataDir);
  const provider = new ScriptedProvider();
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const options: ActionExecutorOptions = {
    provider,
    journal: await openJournal(dataDir),
    timeoutMs: 50,
    retries: 3,
    runbookFor: () => RUNBOOK,
    now: () => clock,
    // Backoff waits advance the fake clock instead of real time.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 1,
    ...overrides,
  };
  const executor = new ActionExecutor(options);
  return { executor, provider, dataDir, sleeps, options, tick: (ms: number) => (clock += ms) };
}

const stop: RoutingActionRequest = { action: 'stop_all', operator: 'ana', reason: 'latency spike' };

describe('ActionExecutor', () => {
  it('verifies by read-back and reports the time from start to verified', async () => {
    const { executor, provider, tick } = await setup();
    provider.onPost = () => tick(84);
    const intent = executor.prepare(stop);
    const outcome = await executor.execute(intent);
    expect(outcome).toMatchObject({
      intentId: intent.id,
      idempotencyKey: intent.idempotencyKey,
      status: 'verified',
      sent: true,
      applied: 'yes',
      attempts: 1,
      elapsedMs: 84,
      knownText: 'Applied, verified by read-back in 84 ms',
      runbook: [],
    });
    expect(outcome.readBack?.mode).toBe('stopped');
    expect(provider.applied).toBe(1);
  });

  it('persists the intent before sending and clears it once settled', async () => {
    const { executor, provider, dataDir } = await setup();
    const journal = join(dataDir, 'pending-actions.json');
    let duringSend: unknown = null;
    provider.onPost = () => {
      duringSend = JSON.parse(readFileSync(journal, 'utf8'));
    };
    const intent = executor.prepare(stop);
    const outcome = await executor.execute(intent);
    expect(duringSend).toMatchObject({ pending: [{ id: intent.id, idempotencyKey: intent.idempotencyKey, req: stop }] });
    // Settled is not yet audited: the caller forgets the intent once its audit entry is durable.
    expect(executor.pending().map((p) => p.id)).toEqual([intent.id]);
    await executor.forget(outcome.intentId);
    expect(JSON.parse(readFileSync(journal, 'utf8'))).toEqual({ pending: [] });
  });

  it('retries 5xx with exponential backoff and the same key, applying once', async () => {
    const { executor, provider, sleeps } = await setup();
    provider.postScript = ['503', '503', 'ok'];
    const intent = executor.prepare(stop);
    const outcome = await executor.execute(intent);
    expect(outcome).toMatchObject({ status: 'verified', attempts: 3 });
    expect(outcome.knownText).toMatch(/^Applied, verified by read-back in \d+ ms \(sent 3 times with one idempotency key\)$/);
    expect(new Set(provider.posts)).toEqual(new Set([intent.idempotencyKey]));
    expect(sleeps).toEqual([200, 400]);
    expect(provider.applied).toBe(1);
  });

  it('jitters the backoff and caps it', async () => {
    const { executor, provider, sleeps } = await setup({ random: () => 0, retries: 6, maxDelayMs: 1000 });
    provider.postScript = ['503', '503', '503', '503', '503', 'ok'];
    await executor.execute(executor.prepare(stop));
    expect(sleeps).toEqual([100, 200, 400, 500, 500]);
  });

  it('a lost reply is retried with the same key and verified without a second apply', async () => {
    const { executor, provider } = await setup();
    provider.postScript = ['apply-then-drop', 'apply-then-drop'];
    const outcome = await executor.execute(executor.prepare(stop));
    expect(outcome.status).toBe('verified');
    expect(outcome.attempts).toBe(3);
    expect(provider.applied).toBe(1);
  });

  it('does not retry a 4xx, and says it is not applied, with the runbook', async () => {
    const { executor, provider } = await setup();
    provider.postScript = ['400'];
    const outcome = await executor.execute(executor.prepare({ action: 'set_share', share: 10, operator: 'ana' }));
    expect(outcome).toMatchObject({ status: 'failed', applied: 'no', attempts: 1, sent: true });
    expect(outcome.knownText).toBe('Not applied: rejected the request (400): share: required');
    expect(outcome.runbook).toEqual(RUNBOOK);
    expect(provider.gets).toBe(0);
  });

  it('a provider that refuses every connection: not sent, nothing changed', async () => {
    const { executor, provider } = await setup();
    provider.postScript = ['refuse', 'refuse', 'refuse', 'refuse'];
    provider.getScript = ['refuse', 'refuse', 'refuse', 'refuse'];
    const outcome = await executor.execute(executor.prepare(stop));
    expect(outcome).toMatchObject({ status: 'failed', sent: false, applied: 'no', attempts: 4 });
    expect(outcome.knownText).toBe('Not sent: the routing provider refused the connection 4 times; nothing was changed');
    expect(outcome.runbook.length).toBe(2);
    expect(provider.applied).toBe(0);
  });

  it('timeouts with no change applied: unverified, and says the read-back shows it is not applied', async () => {
    const { executor, provider } = await setup();
    provider.postScript = ['hang', 'hang', 'hang', 'hang'];
    const outcome = await executor.execute(executor.prepare(stop));
    expect(outcome).toMatchObject({ status: 'unverified', applied: 'no', sent: true, attempts: 4 });
    expect(outcome.knownText).toMatch(/^Sent 4 times, no reply; read-back shows the change is NOT applied/);
    expect(outcome.readBack?.mode).toBe('live');
  });

  it('a reply but no read-back is not verified', async () => {
    const { executor, provider } = await setup();
    provider.getScript = ['refuse', 'refuse', 'refuse', 'refuse'];
    const outcome = await executor.execute(executor.prepare(stop));
    expect(outcome).toMatchObject({ status: 'unverified', applied: 'yes' });
    expect(outcome.providerReply?.mode).toBe('stopped');
    expect(outcome.knownText).toBe('The provider accepted the change, but read-back failed: NOT verified');
    expect(outcome.error).toMatch(/^read-back failed: refused/);
  });

  it('fetches the state before a rollback when the caller had none, and verifies against it', async () => {
    const { executor, provider } = await setup();
    const outcome = await executor.execute(executor.prepare({ action: 'rollback', operator: 'ana' }));
    expect(outcome.status).toBe('verified');
    expect(provider.state.agentVersion).toBe('v1');
  });

  it('stopped mid-request keeps the intent; after a restart, sent again on confirm with its key, applied once', async () => {
    const first = await setup();
    first.provider.postScript = ['apply-then-hang'];
    const intent = first.executor.prepare(stop);
    first.provider.onPost = () => setTimeout(() => first.executor.stop(), 5);
    await expect(first.executor.execute(intent)).rejects.toBeInstanceOf(ActionInterruptedError);
    expect(first.provider.applied).toBe(1);

    const second = new ActionExecutor({ ...first.options, journal: await openJournal(first.dataDir), provider: first.provider });
    const [pending] = second.pending();
    expect(pending?.idempotencyKey).toBe(intent.idempotencyKey);
    first.provider.onPost = () => undefined;
    const outcome = await second.execute(pending!);
    expect(outcome).toMatchObject({ intentId: intent.id, status: 'verified', attempts: 1 });
    expect(first.provider.posts).toEqual([intent.idempotencyKey, intent.idempotencyKey]);
    expect(first.provider.applied).toBe(1);
    await second.forget(outcome!.intentId);
    expect(second.pending()).toEqual([]);
  });

  it('after a restart sends nothing by itself: a check reads back, and a declined intent settles as not applied', async () => {
    const first = await setup();
    first.provider.postScript = ['hang'];
    const intent = first.executor.prepare(stop);
    first.provider.onPost = () => setTimeout(() => first.executor.stop(), 5);
    await expect(first.executor.execute(intent)).rejects.toBeInstanceOf(ActionInterruptedError);
    first.tick(2 * 60_000);
    const second = new ActionExecutor({ ...first.options, journal: await openJournal(first.dataDir), provider: first.provider });
    const [pending] = second.pending();
    const checked = await second.check(pending!);
    expect(checked).toMatchObject({ check: 'not-applied', error: null });
    const outcome = second.settledWithoutSending(pending!, checked, 'ana');
    expect(outcome).toMatchObject({ status: 'failed', applied: 'no', attempts: 0, sent: false });
    expect(outcome.knownText).toBe("Not re-sent after the restart (ana chose not to send it again); read-back shows the change is NOT in place");
    expect(first.provider.posts).toHaveLength(1);
    expect(first.provider.applied).toBe(0);
  });

  it('refuses a bad request with the field named', async () => {
    const { executor } = await setup();
    expect(() => executor.prepare({ action: 'set_share', operator: 'ana' })).toThrowError('Invalid routing action: share: required for set_share');
    expect(() => executor.prepare({ action: 'stop_all', operator: '' })).toThrowError(/Invalid routing action: operator:/);
  });
});
