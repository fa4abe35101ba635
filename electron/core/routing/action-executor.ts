import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ActionIntentSchema, type ActionIntent, type ActionOutcome } from '../../../shared/actions.js';
import {
  describeZodError,
  RoutingActionRequestSchema,
  type RoutingActionRequest,
  type RoutingState,
} from '../../../shared/protocol.js';
import { expectedStateHolds } from './expected-state.js';
import { judgeOutcome, type OutcomeFacts } from './outcome-text.js';
import type { PendingActionsJournal } from './pending-journal.js';
import { RoutingProviderError, type RoutingProvider } from './provider.js';

export interface ActionExecutorOptions {
  provider: RoutingProvider;
  /** Intents confirmed and not yet settled, kept across a restart. */
  journal: PendingActionsJournal;
  /** Per-request limit for each POST and each read-back GET. */
  timeoutMs: number;
  /** Extra attempts after the first, for the POST and again for the read-back. */
  retries: number;
  /** Manual fallback steps shown whenever an action is not verified. */
  runbook?: string[];
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A pending intent older than this at restart is read back but not re-sent. */
  resumeWithinMs?: number;
}

/** The executor was stopped mid-action; the intent stays in the journal for resumePending. */
export class ActionInterruptedError extends Error {
  override readonly name = 'ActionInterruptedError';
}

interface SendResult {
  attempts: number;
  sentAttempts: number;
  reply?: RoutingState;
  rejection?: string;
  error?: string;
}

interface ReadBackResult {
  verdict: 'holds' | 'differs' | 'failed';
  state?: RoutingState;
  error?: string;
}

/**
 * Executes one operator intent exactly once: journal it, POST it with one idempotency key
 * through timeouts and bounded retries, then trust only a read-back of the provider's state.
 */
export class ActionExecutor {
  private readonly journal: PendingActionsJournal;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly stopper = new AbortController();

  constructor(private readonly options: ActionExecutorOptions) {
    this.journal = options.journal;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.random = options.random ?? Math.random;
  }

  prepare(req: RoutingActionRequest, before?: RoutingState | null): ActionIntent {
    const parsed = RoutingActionRequestSchema.safeParse(req);
    if (!parsed.success) throw new Error(`Invalid routing action: ${describeZodError(parsed.error)}`);
    if (parsed.data.action === 'set_share' && parsed.data.share === undefined) {
      throw new Error('Invalid routing action: share: required for set_share');
    }
    const intent: ActionIntent = {
      id: randomUUID(),
      idempotencyKey: randomUUID(),
      req: parsed.data,
      createdAt: this.now(),
    };
    if (before !== undefined) intent.before = before;
    return intent;
  }

  /** Intents confirmed before a restart and not settled. */
  pending(): ActionIntent[] {
    return this.journal.list();
  }

  async execute(intent: ActionIntent): Promise<ActionOutcome> {
    const parsed = ActionIntentSchema.safeParse(intent);
    if (!parsed.success) throw new Error(`Invalid action intent: ${describeZodError(parsed.error)}`);
    return this.run(parsed.data, true);
  }

  /**
   * Forgets a settled intent. Called once its outcome is audited, never before: an intent still
   * in the journal after a crash is read back and reported again, never silently dropped.
   */
  forget(intentId: string): Promise<void> {
    return this.journal.remove(intentId);
  }

  /** Re-sends every pending intent with its original key, so the provider applies each once. */
  async resumePending(): Promise<ActionOutcome[]> {
    const outcomes: ActionOutcome[] = [];
    const horizon = this.options.resumeWithinMs ?? 15 * 60_000;
    for (const intent of this.journal.list()) {
      outcomes.push(await this.run(intent, this.now() - intent.createdAt <= horizon));
    }
    return outcomes;
  }

  /** Aborts requests in flight (process shutdown); their intents stay pending. */
  stop(): void {
    this.stopper.abort();
  }

  private async run(original: ActionIntent, resend: boolean): Promise<ActionOutcome> {
    const start = this.now();
    let intent = original;
    await this.journal.put(intent);
    if (intent.before === undefined && intent.req.action === 'rollback') {
      // A rollback is checked against the version seen before it; fetch it if the caller had none.
      intent = { ...intent, before: await this.fetchBefore() };
      await this.journal.put(intent);
    }
    const send: SendResult = resend ? await this.send(intent) : { attempts: 0, sentAttempts: 0 };
    const readBack: ReadBackResult | null =
      send.rejection === undefined ? await this.readBack(intent, send.reply) : null;
    const elapsedMs = Math.max(0, this.now() - start);
    const facts: OutcomeFacts = {
      resent: resend,
      attempts: send.attempts,
      sentAttempts: send.sentAttempts,
      gotReply: send.reply !== undefined,
      readBack: readBack?.verdict ?? 'skipped',
      elapsedMs,
    };
    if (send.rejection !== undefined) facts.rejection = send.rejection;
    const verdict = judgeOutcome(facts);
    const outcome: ActionOutcome = {
      intentId: intent.id,
      idempotencyKey: intent.idempotencyKey,
      request: intent.req,
      status: verdict.status,
      sent: send.sentAttempts > 0 || !resend,
      applied: verdict.applied,
      attempts: send.attempts,
      elapsedMs,
      knownText: verdict.knownText,
      runbook: verdict.status === 'verified' ? [] : [...(this.options.runbook ?? [])],
    };
    if (send.reply) outcome.providerReply = send.reply;
    if (readBack?.state) outcome.readBack = readBack.state;
    const error = verdict.status === 'verified' ? undefined : (send.rejection ?? readBack?.error ?? send.error);
    if (error !== undefined) outcome.error = error;
    return outcome;
  }

  private async send(intent: ActionIntent): Promise<SendResult> {
    const result: SendResult = { attempts: 0, sentAttempts: 0 };
    for (let i = 0; i <= this.options.retries; i++) {
      if (i > 0) await this.backoff(i - 1);
      result.attempts++;
      try {
        result.reply = await this.options.provider.applyAction(intent.req, intent.idempotencyKey, this.requestSignal());
        result.sentAttempts++;
        return result;
      } catch (e) {
        const err = this.asProviderError(e);
        if (err.kind !== 'refused') result.sentAttempts++;
        result.error = err.message;
        if (err.kind === 'http' && !err.retryable) {
          result.rejection = err.message;
          return result;
        }
        if (!err.retryable) return result;
      }
    }
    return result;
  }

  private async readBack(intent: ActionIntent, reply: RoutingState | undefined): Promise<ReadBackResult> {
    const result: ReadBackResult = { verdict: 'failed' };
    for (let i = 0; i <= this.options.retries; i++) {
      if (i > 0) await this.backoff(i - 1);
      try {
        const state = await this.options.provider.getState(this.requestSignal());
        result.state = state;
        // A read-back older than the provider's own reply is a stale replica, not evidence.
        const fresh = reply === undefined || state.version >= reply.version;
        if (fresh && expectedStateHolds(intent.req, intent.before ?? null, state)) {
          return { verdict: 'holds', state };
        }
        result.verdict = 'differs';
        delete result.error;
      } catch (e) {
        const err = this.asProviderError(e);
        if (result.state === undefined) result.error = `read-back failed: ${err.message}`;
      }
    }
    return result;
  }

  private async fetchBefore(): Promise<RoutingState | null> {
    try {
      return await this.options.provider.getState(this.requestSignal());
    } catch {
      if (this.stopper.signal.aborted) throw this.interrupted();
      return null;
    }
  }

  private requestSignal(): AbortSignal {
    return AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.options.timeoutMs)]);
  }

  /** Exponential backoff with jitter, so retries from several consoles do not arrive in step. */
  private async backoff(n: number): Promise<void> {
    const base = this.options.baseDelayMs ?? 200;
    const cap = this.options.maxDelayMs ?? 2000;
    const ms = Math.min(cap, base * 2 ** n) * (0.5 + 0.5 * this.random());
    try {
      await this.sleep(ms, this.stopper.signal);
    } catch (e) {
      if (this.stopper.signal.aborted) throw this.interrupted();
      throw e;
    }
  }

  /** Normalises a provider failure; a stop of the executor becomes an interruption instead. */
  private asProviderError(e: unknown): RoutingProviderError {
    if (this.stopper.signal.aborted) throw this.interrupted();
    if (e instanceof RoutingProviderError) return e;
    return new RoutingProviderError(e instanceof Error ? e.message : String(e), 'network', true);
  }

  private interrupted(): ActionInterruptedError {
    return new ActionInterruptedError('The console stopped before the action settled; it will be re-sent with the same key on restart');
  }
}
