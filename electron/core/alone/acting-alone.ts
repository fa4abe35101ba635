import type { ActionIntent, ActionOutcome, ActionStep } from '../../../shared/actions.js';
import { ACTION_STATUS_TEXT, ACTION_TITLES, actionLabel, actionStepText } from '../../../shared/action-text.js';
import type { ConsolePush, PreparedAction } from '../../../shared/bridge.js';
import type { RoutingActionName, RoutingState } from '../../../shared/protocol.js';
import type { RoutingConfig } from '../../../shared/routing-config.js';
import type { Role } from '../../../shared/team.js';
import { BoundedMap } from '../lib/bounded-map.js';
import { actionAuditEntry } from '../routing/action-entry.js';
import { ActionExecutor, type PendingCheck } from '../routing/action-executor.js';
import { combinedOutcome } from '../routing/combined-outcome.js';
import { describeSteps } from '../routing/effect-text.js';
import { backgroundText } from '../routing/outcome-text.js';
import { PendingActionsJournal } from '../routing/pending-journal.js';
import { requestsFor, type ActionAsked } from '../routing/prepare-request.js';
import { capabilitiesOf, type RoutingProvider } from '../routing/provider.js';
import type { JsonDocument } from '../storage/ports.js';
import type { AloneJournal } from './alone-journal.js';

/**
 * The emergency actions a desk may take on its own when the team server cannot be reached: the
 * ones that make things safer (stop the ramp, send calls to the fallback, stop everything). The
 * rest change what the launch does next and wait for the team.
 */
export const ALONE_ACTIONS = ['pause_ramp', 'route_fallback', 'stop_all'] as const satisfies readonly RoutingActionName[];

export function isAloneAction(action: RoutingActionName): boolean {
  return (ALONE_ACTIONS as readonly RoutingActionName[]).includes(action);
}

/** Said when a write other than the three alone actions is asked for while the team server is away. */
export const ONLY_ALONE_ACTIONS =
  'the team server is unreachable: only Pause ramp, Route to fallback and Stop all can be taken from this desk alone (straight through the routing provider, journaled and added to the team\'s audit log once the server is back); everything else waits for the team server';

/** Who acts alone: the operator signed in on this desk, as the team server last described them (its `team:me`). */
export interface AloneOperator {
  name: string;
  role: Role;
  /** The routing actions the launch configuration lets their role trigger. */
  actions: readonly RoutingActionName[];
  /** When their session ends whatever its use, epoch ms. */
  sessionEndsAt: number;
}

/** Why the desk acts alone: since when the team server could not be reached, and what happened. */
export interface AloneReason {
  since: number;
  why: string;
}

export interface ActingAloneOptions {
  provider: RoutingProvider;
  journal: AloneJournal;
  /** The local list of actions confirmed and not yet settled, kept across a restart of the app. */
  pending: JsonDocument;
  routing: Pick<RoutingConfig, 'timeoutMs' | 'retries' | 'deadlineMs'>;
  intents: readonly string[];
  /** This desk, in the team's words (the machine's name): said in the audit entries. */
  desk: string;
  runbookFor?: (action: RoutingActionName) => string[];
  /** A verdict that came after the deadline, or an action from before a restart settled: told to the operator. */
  notify?: (push: Extract<ConsolePush, { kind: 'notification' }>) => void;
  now?: () => number;
  /** Backoff between attempts; the executor's defaults when left out. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** An operator refused before anything was sent; the message names why. */
export class AloneRefusal extends Error {
  override readonly name = 'AloneRefusal';
}

/** An action taken alone while it is being sent or read back. */
export interface AloneFlight {
  intentId: string;
  action: RoutingActionName;
  startedAt: number;
  step: ActionStep;
  attempt: number;
}

const PREPARED_KEPT = 16;
const LATE = Symbol('late');

/**
 * One emergency action taken from this desk on its own, straight through the routing provider:
 * refused before sending when the operator's role may not trigger it; otherwise journaled as
 * pending, sent with one idempotency key through timeouts and retries, read back (never
 * "Verified" without a read-back that shows the change), and audited in the local journal with
 * who took it, why alone, and what the read-back showed, before the operator is told.
 */
export class ActingAlone {
  private readonly executor: ActionExecutor;
  private readonly prepared = new BoundedMap<string, { steps: ActionIntent[]; by: string }>(PREPARED_KEPT);
  private readonly executions = new BoundedMap<string, Promise<ActionOutcome>>(64);
  private readonly flights = new Map<string, AloneFlight>();
  private readonly now: () => number;
  private resuming: Promise<void> = Promise.resolve();
  private closed = false;
  private last: { outcome: ActionOutcome; at: number } | null = null;
  private lastState: { state: RoutingState; at: number } | null = null;

  static async open(options: ActingAloneOptions): Promise<ActingAlone> {
    const pending = await PendingActionsJournal.open(options.pending);
    const alone = new ActingAlone(options, pending);
    await alone.forgetAlreadyJournaled();
    alone.resuming = alone.settleFromBeforeRestart();
    return alone;
  }

  private constructor(
    private readonly options: ActingAloneOptions,
    pending: PendingActionsJournal,
  ) {
    this.now = options.now ?? Date.now;
    this.executor = new ActionExecutor({
      provider: options.provider,
      journal: pending,
      timeoutMs: options.routing.timeoutMs,
      retries: options.routing.retries,
      runbookFor: (action) => this.runbook(action),
      progress: (key, step, attempt) => {
        const f = this.flights.get(key);
        if (f) Object.assign(f, { step, attempt });
      },
      now: this.now,
      ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
      ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
    });
  }

  /** Settles once the actions left pending by a restart of the app were read back and journaled. */
  whenResumed(): Promise<void> {
    return this.resuming;
  }

  /** The newest outcome of an action taken alone, for the emergency panel. */
  get lastOutcome(): { outcome: ActionOutcome; at: number } | null {
    return this.last;
  }

  /** The provider's state as last read from this desk. */
  get lastRead(): { state: RoutingState; at: number } | null {
    return this.lastState;
  }

  /** An action in flight right now: where it is. */
  inFlight(): AloneFlight | null {
    for (const f of this.flights.values()) return { ...f };
    return null;
  }

  get maxAttempts(): number {
    return this.options.routing.retries + 1;
  }

  capabilities() {
    return capabilitiesOf(this.options.provider);
  }

  /** Whether an intent id was prepared here (alone) and not yet executed. */
  knows(intentId: string): boolean {
    return this.prepared.get(intentId) !== undefined || this.executions.get(intentId) !== undefined;
  }

  /** Why this operator may not take this action alone, or null when they may. */
  refusal(asked: Pick<ActionAsked, 'action' | 'pauseRamp'>, who: AloneOperator | null): string | null {
    if (!who) {
      return 'Refused: this desk has no word from the team server on who is signed in here (no team:me answer kept); sign in while the server is reachable first. Nothing was sent';
    }
    const actions: RoutingActionName[] = asked.pauseRamp ? [asked.action, 'pause_ramp'] : [asked.action];
    const other = actions.find((a) => !isAloneAction(a));
    if (other) return `Refused: ${ACTION_TITLES[other]}: ${ONLY_ALONE_ACTIONS}. Nothing was sent`;
    if (who.sessionEndsAt <= this.now()) {
      return `Refused: ${who.name}'s session ended at ${new Date(who.sessionEndsAt).toISOString()}; acting alone needs the session of someone who may act. Sign in again once the team server is back. Nothing was sent`;
    }
    const barred = actions.find((a) => !who.actions.includes(a));
    if (barred) {
      return `Refused: the launch configuration does not let ${/^[aeiou]/.test(who.role) ? 'an' : 'a'} ${who.role} trigger ${ACTION_TITLES[barred]} (team.actions.${barred}, as the team server last told this desk), alone or otherwise. Nothing was sent`;
    }
    return null;
  }

  /** The confirm's content, as the team server's would be; refused before anything is sent when the operator may not. */
  prepare(asked: ActionAsked, who: AloneOperator | null, before: RoutingState | null): PreparedAction {
    const refused = this.refusal(asked, who);
    if (refused || !who) throw new AloneRefusal(refused ?? 'Refused');
    const known = before ? Object.keys(before.intents) : [...this.options.intents];
    const requests = requestsFor(asked, who.name, known, capabilitiesOf(this.options.provider));
    const steps = requests.map((r) => this.executor.prepare(r, before ?? undefined));
    const [intent] = steps;
    if (!intent) throw new Error(`action: nothing to send for "${asked.action}"`);
    this.prepared.set(intent.id, { steps, by: who.name });
    return { intent, steps, effect: describeSteps(requests, before, null), inProgress: null };
  }

  /**
   * Sends a confirm prepared here, once (a repeated execute gets the first one's outcome). The
   * operator hears by the routing deadline; a verdict after it is journaled and told as a notification.
   */
  execute(intentId: string, reason: string | undefined, who: AloneOperator | null, alone: AloneReason): Promise<ActionOutcome> {
    const running = this.executions.get(intentId);
    if (running) return running;
    const prepared = this.prepared.get(intentId);
    if (!prepared) {
      throw new Error(
        `intentId: no action "${intentId}" was prepared on this desk alone (a confirm opened while the team server was reachable was prepared there, and none survive a restart); open the confirm again`,
      );
    }
    for (const step of prepared.steps) {
      const refused = this.refusal({ action: step.req.action }, who);
      if (refused) throw new AloneRefusal(refused);
    }
    if (who && who.name !== prepared.by) throw new AloneRefusal(`Refused: this confirm was opened by ${prepared.by}, not ${who.name}; open it again. Nothing was sent`);
    this.prepared.delete(intentId);
    const steps = reason ? prepared.steps.map((s) => ({ ...s, req: { ...s.req, reason } })) : prepared.steps;
    const run = this.told(steps, who!, alone);
    this.executions.set(intentId, run);
    return run;
  }

  /** Reads the provider's state from this desk (the routing panel's refresh while alone). */
  async readState(signal?: AbortSignal): Promise<RoutingState> {
    const state = await this.options.provider.getState(signal ?? AbortSignal.timeout(this.options.routing.timeoutMs));
    this.lastState = { state, at: this.now() };
    return state;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.executor.stop();
    await this.resuming.catch(() => undefined);
  }

  /** The final outcome, or by the deadline a "still trying" one while the rest goes on in the background. */
  private async told(steps: ActionIntent[], who: AloneOperator, alone: AloneReason): Promise<ActionOutcome> {
    const final = this.runAll(steps, who, alone);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((r) => {
      timer = setTimeout(() => r(LATE), this.options.routing.deadlineMs);
    });
    try {
      const first = await Promise.race([final, late]);
      if (first !== LATE) return first;
    } finally {
      clearTimeout(timer);
    }
    const [head] = steps;
    if (!head) throw new Error('action: nothing to send');
    const f = this.inFlight();
    const interim: ActionOutcome = {
      intentId: head.id,
      idempotencyKey: head.idempotencyKey,
      request: head.req,
      status: 'unverified',
      sent: f !== null && (f.attempt > 0 || f.step !== 'sending'),
      applied: 'unknown',
      attempts: f?.attempt ?? 0,
      elapsedMs: Math.max(0, this.now() - head.createdAt),
      knownText: `${aloneLead(alone)}${backgroundText(this.options.routing.deadlineMs, actionStepText(f?.step ?? 'sending', f?.attempt ?? 0, this.maxAttempts))}`,
      runbook: this.runbook(head.req.action),
      background: true,
    };
    this.last = { outcome: interim, at: this.now() };
    final.then(
      (outcome) =>
        this.options.notify?.({
          kind: 'notification',
          id: `alone-${outcome.intentId}`,
          title: `${actionLabel(outcome.request)} (taken alone, finished in the background): ${ACTION_STATUS_TEXT[outcome.status]}`,
          body: outcome.knownText,
          severity: outcome.status === 'verified' ? 'warning' : 'critical',
        }),
      (e: unknown) =>
        this.options.notify?.({
          kind: 'notification',
          id: `alone-${head.id}`,
          title: `${actionLabel(head.req)} (taken alone): not settled`,
          body: e instanceof Error ? e.message : String(e),
          severity: 'critical',
        }),
    );
    return interim;
  }

  /** The parts of one confirm one after the other, each sent, read back and journaled on its own. */
  private async runAll(steps: ActionIntent[], who: AloneOperator, alone: AloneReason): Promise<ActionOutcome> {
    const label = steps.map((s) => actionLabel(s.req)).join(', then ');
    const parts: ActionOutcome[] = [];
    for (const [i, step] of steps.entries()) {
      const trigger = steps.length > 1 ? `part ${i + 1} of ${steps.length} of one confirm: ${label}` : undefined;
      parts.push(await this.runOne(step, who, alone, trigger));
    }
    const [only] = parts;
    const outcome = only && parts.length === 1 ? only : combinedOutcome(parts);
    const told = { ...outcome, knownText: outcome.knownText.startsWith(aloneLead(alone)) ? outcome.knownText : `${aloneLead(alone)}${outcome.knownText}` };
    this.last = { outcome: told, at: this.now() };
    return told;
  }

  private async runOne(intent: ActionIntent, who: AloneOperator, alone: AloneReason, trigger: string | undefined): Promise<ActionOutcome> {
    this.flights.set(intent.idempotencyKey, { intentId: intent.id, action: intent.req.action, startedAt: this.now(), step: 'sending', attempt: 0 });
    let outcome: ActionOutcome;
    try {
      outcome = await this.executor.execute(intent);
    } finally {
      this.flights.delete(intent.idempotencyKey);
    }
    if (outcome.readBack) this.lastState = { state: outcome.readBack, at: this.now() };
    const told: ActionOutcome = { ...outcome, knownText: `${aloneLead(alone)}${outcome.knownText}` };
    await this.journalOutcome(told, intent.before ?? null, {
      by: who.name,
      role: who.role,
      since: alone.since,
      why: alone.why,
      ...(trigger ? { trigger } : {}),
    });
    await this.executor.forget(outcome.intentId);
    return told;
  }

  /** The entry is durable in the local journal before the operator hears the outcome. */
  private async journalOutcome(
    outcome: ActionOutcome,
    before: RoutingState | null,
    context: { by: string; role: Role | null; since: number | null; why: string; trigger?: string; settledAfterRestart?: boolean },
  ): Promise<void> {
    const entry = actionAuditEntry(outcome, context.trigger ? { trigger: context.trigger } : {});
    const since = context.since === null ? null : new Date(context.since).toISOString();
    const who = context.role ? `${context.by} (${context.role})` : context.by;
    try {
      await this.options.journal.append({
        ...entry,
        summary: `${entry.summary} Taken alone by ${who} on ${this.options.desk}: ${since ? `the team server unreachable since ${since}` : 'the team server unreachable'} (${context.why}).`,
        data: {
          ...entry.data,
          routingBefore: before,
          alone: {
            desk: this.options.desk,
            by: context.by,
            role: context.role,
            since,
            why: context.why,
            readBack: outcome.readBack ?? null,
            ...(context.settledAfterRestart ? { settledAfterRestart: true } : {}),
          },
        },
      });
    } catch (e) {
      throw new Error(
        `${actionLabel(outcome.request)}: ${ACTION_STATUS_TEXT[outcome.status]} (taken alone), but it could not be written to the local journal ${this.options.journal.location}: ${(e as Error).message}`,
      );
    }
  }

  /** A crash between the journal entry and forgetting the pending intent: forgotten now, not journaled twice. */
  private async forgetAlreadyJournaled(): Promise<void> {
    const pending = new Set(this.executor.pending().map((i) => i.id));
    if (pending.size === 0) return;
    for (const e of await this.options.journal.entries()) {
      const id = (e.data as { intentId?: unknown }).intentId;
      if (typeof id === 'string' && pending.has(id)) await this.executor.forget(id);
    }
  }

  /**
   * An action confirmed alone before the app stopped and not journaled: read back, journaled
   * with what the read-back shows, and never sent again without a confirm (the provider may have
   * been changed by hand since).
   */
  private async settleFromBeforeRestart(): Promise<void> {
    for (const intent of this.executor.pending()) {
      if (this.closed) return;
      let checked: PendingCheck;
      try {
        checked = await this.executor.check(intent);
      } catch (e) {
        if (this.closed) return;
        checked = { check: 'unknown', state: null, error: (e as Error).message };
      }
      const outcome = this.executor.settledWithoutSending(intent, checked, null);
      const why = 'confirmed alone before the desk app stopped, settled after its restart without sending it again';
      const told = { ...outcome, knownText: `Acting alone: ${outcome.knownText}` };
      try {
        await this.journalOutcome(told, intent.before ?? null, { by: intent.req.operator, role: null, since: null, why, settledAfterRestart: true });
        await this.executor.forget(intent.id);
      } catch (e) {
        this.options.notify?.({ kind: 'notification', id: `alone-${intent.id}`, title: `${actionLabel(intent.req)}: not settled`, body: (e as Error).message, severity: 'critical' });
        continue;
      }
      this.last = { outcome: told, at: this.now() };
      this.options.notify?.({
        kind: 'notification',
        id: `alone-${intent.id}`,
        title: `After restart: ${actionLabel(intent.req)} (taken alone): ${ACTION_STATUS_TEXT[told.status]}`,
        body: `${told.knownText}. Confirm it again if it is still needed.`,
        severity: told.status === 'verified' ? 'warning' : 'critical',
      });
    }
  }

  private runbook(action: RoutingActionName): string[] {
    const configured = this.options.runbookFor?.(action) ?? [];
    return configured.length > 0 ? configured : (this.options.provider.manualSteps?.(action) ?? []);
  }
}

/** How every outcome taken alone begins, so nobody mistakes it for the team console's. */
export function aloneLead(alone: AloneReason): string {
  return `Acting alone (the team server unreachable since ${new Date(alone.since).toISOString().slice(11, 19)} UTC): `;
}
