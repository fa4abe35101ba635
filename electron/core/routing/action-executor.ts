import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ActionIntentSchema, type ActionIntent, type ActionOutcome, type ActionStep } from '../../../shared/actions.js';
import {
  describeZodError,
  RoutingActionRequestSchema,
  type RoutingActionName,
  type RoutingActionRequest,
  type RoutingState,
} from '../../../shared/protocol.js';
import { expectedStateHolds } from './expected-state.js';
import { judgeOutcome, notResentOutcome, type OutcomeFacts, type OutcomeVerdict, type RestartCheck } from './outcome-text.js';
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
  /** Manual steps for an action of this kind, shown whenever one is not verified. */
  runbookFor?: (action: RoutingActionName) => string[];
  /** Each step as it begins, so the operator sees what the console is doing now. */
  progress?: (idempotencyKey: string, step: ActionStep, attempt: number) => void;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** What a read-back after a restart showed about an intent confirmed before it. */
export interface PendingCheck {
  check: RestartCheck;
  state: RoutingState | null;
  error: string | null;
}

/** The executor was stopped mid-action; the intent stays in the journal, read back on restart. */
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

  prepare(req: RoutingActionRequest, before?: RoutingState | null, automatic?: ActionIntent['automatic']): ActionIntent {
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
    if (automatic) intent.automatic = automatic;
    return intent;
  }

  /** Intents confirmed before a restart and not settled. */
  pending(): ActionIntent[] {
    return this.journal.list();
  }

  /** Journals the intent, sends it (again, after a restart, with its original key) and reads the state back. */
  async execute(intent: ActionIntent): Promise<ActionOutcome> {
    const parsed = ActionIntentSchema.safeParse(intent);
    if (!parsed.success) throw new Error(`Invalid action intent: ${describeZodError(parsed.error)}`);
    return this.run(parsed.data);
  }

  /**
   * Forgets a settled intent. Called once its outcome is audited, never before: an intent still
   * in the journal after a crash is read back and reported again, never silently dropped.
   */
  forget(intentId: string): Promise<void> {
    return this.journal.remove(intentId);
  }

  /** Reads the provider's state for an intent confirmed before a restart, sending nothing. */
  async check(intent: ActionIntent): Promise<PendingCheck> {
    const read = await this.readBack(intent, undefined);
    const check: RestartCheck = read.verdict === 'holds' ? 'holds' : read.verdict === 'differs' ? 'not-applied' : 'unknown';
    return { check, state: read.state ?? null, error: read.error ?? null };
  }

  /** The outcome of an intent from before a restart that is settled without being sent again. */
  settledWithoutSending(intent: ActionIntent, checked: PendingCheck, decidedBy: string | null): ActionOutcome {
    return this.outcome(intent, notResentOutcome(checked.check, decidedBy), {
      sent: false,
      attempts: 0,
      elapsedMs: 0,
      ...(checked.state ? { readBack: checked.state } : {}),
      ...(checked.error !== null && checked.check !== 'holds' ? { error: checked.error } : {}),
    });
  }

  /** Aborts requests in flight (process shutdown); their intents stay pending. */
  stop(): void {
    this.stopper.abort();
  }

  private async run(original: ActionIntent): Promise<ActionOutcome> {
    const start = this.now();
    let intent = original;
    await this.journal.put(intent);
    if (intent.before === undefined && intent.req.action === 'rollback') {
      // A rollback is checked against the version seen before it; fetch it if the caller had none.
      intent = { ...intent, before: await this.fetchBefore() };
      await this.journal.put(intent);
    }
    const send = await this.send(intent);
    const readBack: ReadBackResult | null =
      send.rejection === undefined ? await this.readBack(intent, send.reply) : null;
    const elapsedMs = Math.max(0, this.now() - start);
    const facts: OutcomeFacts = {
      attempts: send.attempts,
      sentAttempts: send.sentAttempts,
      gotReply: send.reply !== undefined,
      readBack: readBack?.verdict ?? 'skipped',
      elapsedMs,
    };
    if (send.rejection !== undefined) facts.rejection = send.rejection;
    const verdict = judgeOutcome(facts);
    const error = verdict.status === 'verified' ? undefined : (send.rejection ?? readBack?.error ?? send.error);
    return this.outcome(intent, verdict, {
      sent: send.sentAttempts > 0,
      attempts: send.attempts,
      elapsedMs,
      ...(send.reply ? { providerReply: send.reply } : {}),
      ...(readBack?.state ? { readBack: readBack.state } : {}),
      ...(error !== undefined ? { error } : {}),
    });
  }

  private outcome(
    intent: ActionIntent,
    verdict: OutcomeVerdict,
    facts: Pick<ActionOutcome, 'sent' | 'attempts' | 'elapsedMs' | 'providerReply' | 'readBack' | 'error'>,
  ): ActionOutcome {
    return {
      intentId: intent.id,
      idempotencyKey: intent.idempotencyKey,
      request: intent.req,
      status: verdict.status,
      applied: verdict.applied,
      knownText: verdict.knownText,
      runbook: verdict.status === 'verified' ? [] : (this.options.runbookFor?.(intent.req.action) ?? []),
      ...facts,
    };
  }

  private async send(intent: ActionIntent): Promise<SendResult> {
    const result: SendResult = { attempts: 0, sentAttempts: 0 };
    for (let i = 0; i <= this.options.retries; i++) {
      if (i > 0) {
        this.step(intent, 'retrying', i);
        await this.backoff(i - 1);
      }
      this.step(intent, 'sending', i + 1);
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
      this.step(intent, 'reading-back', i + 1);
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

  private step(intent: ActionIntent, step: ActionStep, attempt: number): void {
    this.options.progress?.(intent.idempotencyKey, step, attempt);
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
    return new ActionInterruptedError(
      'The console stopped before the action settled; after a restart it is read back and re-sent only on a confirm',
    );
  }
}
