import type { ActionIntent, ActionOutcome, RecoveryReport } from '../../../shared/actions.js';
import type { PreparedAction } from '../../../shared/bridge.js';
import type { ActionsView, RoutingView } from '../../../shared/console-state.js';
import type { KpiId } from '../../../shared/kpi.js';
import type { CallRecord, RoutingActionName, RoutingActionRequest, RoutingState } from '../../../shared/protocol.js';
import { actionAuditEntry } from './action-entry.js';
import { actionLabel } from './action-label.js';
import { ActionExecutor } from './action-executor.js';
import { describeEffect } from './effect-text.js';
import type { RoutingProvider } from './provider.js';
import { RecoveryWatch } from './recovery-watch.js';
import type { ConsoleContext, Feature, Handlers, Tick } from '../engine/feature.js';
import { BoundedMap } from '../lib/bounded-map.js';
import { InProgressEstimator } from './in-progress-estimate.js';
import { ObservedProvider } from './observed-provider.js';
import { PendingActionsJournal } from './pending-journal.js';
import { recoveryPlan } from './recovery-plan.js';
import { RECOVERY_WINDOW, screenFigures, type ScreenFigures } from './screen-figures.js';

export type RoutingChannels = 'routing:prepare' | 'routing:execute' | 'routing:refresh';

/** Confirms opened and not yet confirmed; an abandoned one is forgotten after this many newer ones. */
const PREPARED_KEPT = 32;
/** Outcomes kept per intent, so a repeated execute (double click, retry of the bridge call) gets the first one. */
const EXECUTIONS_KEPT = 64;
/** How often the provider's own routing state is read, so the screen shows it even without the stream. */
const POLL_MS = 3000;

export interface AutomaticActionOptions {
  /** The KPIs the action is meant to fix (the alert's own); defaults by action. */
  kpis?: KpiId[];
  /** What decided it, for the audit entry: the alert or rule. */
  trigger?: string;
}

interface RunContext {
  trigger?: string;
  kpis?: KpiId[];
}

interface Flight {
  intentId: string;
  action: RoutingActionName;
  startedAt: number;
  attempt: number;
  phase: 'sending' | 'verifying';
}

interface Watching {
  watch: RecoveryWatch;
  startedAt: number;
  report: RecoveryReport;
  note: string;
}

/** Emergency controls: routing actions through the provider and the recovery watch. */
export class RoutingFeature implements Feature {
  readonly handlers: Pick<Handlers, RoutingChannels>;
  private readonly executor: ActionExecutor;
  private readonly estimator = new InProgressEstimator();
  private readonly prepared = new BoundedMap<string, ActionIntent>(PREPARED_KEPT);
  private readonly executions = new BoundedMap<string, Promise<ActionOutcome>>(EXECUTIONS_KEPT);
  /** By idempotency key: what the provider wrapper reports attempts against. */
  private readonly flights = new Map<string, Flight>();
  private readonly stopper = new AbortController();
  private lastOutcome: ActionOutcome | null = null;
  private lastOutcomeAt: number | null = null;
  private watching: Watching | null = null;
  private reading: Promise<RoutingView> | null = null;
  private lastReadAt = -Infinity;

  static async open(ctx: ConsoleContext, provider: RoutingProvider): Promise<RoutingFeature> {
    const journal = await PendingActionsJournal.open(ctx.storage.document('pending-actions'));
    return new RoutingFeature(ctx, provider, journal);
  }

  private constructor(
    private readonly ctx: ConsoleContext,
    private readonly provider: RoutingProvider,
    journal: PendingActionsJournal,
  ) {
    this.executor = new ActionExecutor({
      provider: new ObservedProvider(provider, {
        sending: (key) => this.onAttempt(key, 'sending'),
        replied: (key) => this.onAttempt(key, 'verifying'),
      }),
      journal,
      timeoutMs: ctx.config.routing.timeoutMs,
      retries: ctx.config.routing.retries,
      runbook: ctx.config.runbook,
      now: ctx.now,
    });
    this.handlers = {
      'routing:prepare': (req) => this.prepare(req),
      'routing:execute': ({ intentId, reason }) => this.execute(intentId, reason),
      'routing:refresh': () => this.readProvider(),
    };
    if (this.executor.pending().length > 0) void this.resumePending();
  }

  /** Runs an action the console decided on its own (an alert's auto-act), stamped as such. */
  async executeAutomatic(req: RoutingActionRequest, options: AutomaticActionOptions = {}): Promise<ActionOutcome> {
    const operator = `auto-act (${this.ownerOrNone()})`;
    const intent = this.executor.prepare({ ...req, operator }, this.ctx.routingView().state ?? undefined);
    // The caller (the alert's countdown) tells the operator the outcome, naming its rule.
    return this.run(intent, { trigger: options.trigger ?? 'alert auto-act', kpis: options.kpis });
  }

  view(): ActionsView {
    let inFlight: Flight | null = null;
    for (const f of this.flights.values()) if (!inFlight || f.startedAt >= inFlight.startedAt) inFlight = f;
    return {
      inFlight: inFlight ? { ...inFlight } : null,
      lastOutcome: this.lastOutcome,
      lastOutcomeAt: this.lastOutcomeAt,
      recovery: this.watching?.report ?? null,
      recoveryNote: this.watching?.note ?? null,
      inProgressEstimate: this.estimator.estimate(this.ctx.streamStatus().streamTime),
      auditOpened: this.ctx.audit.opened,
    };
  }

  onCall(call: CallRecord): void {
    this.estimator.onCall(call);
  }

  tick(tick: Tick): void {
    if (tick.now - this.lastReadAt >= POLL_MS) void this.readProvider();
    const w = this.watching;
    const streamTime = tick.stream.streamTime;
    if (!w || w.report.done || streamTime === null || !tick.metrics) return;
    w.report = w.watch.update({
      now: streamTime,
      agentShare: this.ctx.metrics.agentShareSince(w.startedAt, streamTime),
      kpis: tick.metrics.windows[RECOVERY_WINDOW].overall.kpis,
    });
  }

  async close(): Promise<void> {
    this.stopper.abort();
    this.executor.stop();
  }

  private prepare(req: { action: RoutingActionName; intents?: string[]; share?: number }): PreparedAction {
    const operator = this.ctx.operator();
    const before = this.ctx.routingView().state;
    const request: RoutingActionRequest = { action: req.action, operator };
    if (req.share !== undefined) {
      if (req.action !== 'set_share') throw new Error(`share: only "set_share" takes a share, not "${req.action}"`);
      request.share = req.share;
    }
    if (req.intents !== undefined && req.intents.length > 0) {
      if (req.action !== 'route_fallback') throw new Error(`intents: only "route_fallback" takes intents, not "${req.action}"`);
      const known = before ? Object.keys(before.intents) : this.ctx.config.intents;
      const unknown = req.intents.find((i) => !known.includes(i));
      if (unknown !== undefined) throw new Error(`intents: unknown intent "${unknown}" (known: ${known.join(', ')})`);
      request.intents = [...new Set(req.intents)];
    }
    // Unknown state (provider unreachable) stays undefined so a rollback fetches it before sending.
    const intent = this.executor.prepare(request, before ?? undefined);
    const inProgress = this.estimator.estimate(this.ctx.streamStatus().streamTime);
    this.prepared.set(intent.id, intent);
    return { intent, effect: describeEffect(intent.req, before, inProgress), inProgress };
  }

  private execute(intentId: string, reason: string | undefined): Promise<ActionOutcome> {
    const running = this.executions.get(intentId);
    if (running) return running;
    const prepared = this.prepared.get(intentId);
    if (!prepared) {
      throw new Error(
        `intentId: no prepared action "${intentId}": it was never prepared, or expired (only the newest ${PREPARED_KEPT} are kept, and none survive a restart); open the confirm again`,
      );
    }
    this.prepared.delete(intentId);
    const intent = reason ? { ...prepared, req: { ...prepared.req, reason } } : prepared;
    const run = this.run(intent, {});
    this.executions.set(intentId, run);
    return run;
  }

  /** Executes once, audits (fsync'd) before anyone hears the outcome, then watches the stream. */
  private async run(intent: ActionIntent, context: RunContext): Promise<ActionOutcome> {
    const figures = this.figuresOnScreen();
    this.flights.set(intent.idempotencyKey, {
      intentId: intent.id,
      action: intent.req.action,
      startedAt: this.ctx.now(),
      attempt: 0,
      phase: 'sending',
    });
    let outcome: ActionOutcome;
    try {
      outcome = await this.executor.execute(intent);
    } finally {
      this.flights.delete(intent.idempotencyKey);
    }
    return this.settle(outcome, intent.before ?? null, figures, context);
  }

  /** The audit entry is durable before the journal forgets the intent and before anyone hears the outcome. */
  private async settle(outcome: ActionOutcome, before: RoutingState | null, figures: ScreenFigures, context: RunContext): Promise<ActionOutcome> {
    this.lastOutcome = outcome;
    this.lastOutcomeAt = this.ctx.now();
    if (outcome.status === 'verified' && outcome.readBack) this.startWatch(outcome, figures, context.kpis);
    const entry = actionAuditEntry(outcome, { figures: figures.values, trigger: context.trigger });
    const stream = this.ctx.streamStatus();
    try {
      await this.ctx.audit.append({
        ...entry,
        data: {
          ...entry.data,
          figuresWindowMin: figures.windowMin,
          figuresAsOf: figures.asOf,
          stream: { phase: stream.phase, dataAgeMs: stream.dataAgeMs },
          routingBefore: before,
        },
      });
    } catch (e) {
      throw new Error(
        `${actionLabel(outcome.request)}: ${outcome.status.toUpperCase()}, but its audit entry could not be written: ${(e as Error).message}`,
      );
    }
    await this.executor.forget(outcome.intentId);
    return outcome;
  }

  private startWatch(outcome: ActionOutcome, figures: ScreenFigures, named: KpiId[] | undefined): void {
    const after = outcome.readBack;
    if (!after) return;
    const plan = recoveryPlan(outcome.request, after, named);
    const watch = new RecoveryWatch({
      action: outcome.request,
      after,
      kpis: plan.kpis,
      fallbackRateBefore: figures.recentFallbackRate,
    });
    const label = `${actionLabel(outcome.request)} by ${outcome.request.operator}`;
    this.watching = {
      watch,
      startedAt: Date.parse(after.updatedAt),
      report: watch.report(),
      note: plan.note ? `${label}. ${plan.note}` : label,
    };
  }

  private figuresOnScreen(): ScreenFigures {
    const streamTime = this.ctx.streamStatus().streamTime;
    return screenFigures(streamTime === null ? null : this.ctx.metrics.snapshot(streamTime));
  }

  /** One provider read at a time; a refresh asked for while one is under way shares it. */
  private readProvider(): Promise<RoutingView> {
    if (this.reading) return this.reading;
    this.lastReadAt = this.ctx.now();
    this.reading = this.provider
      .getState(this.stopper.signal)
      .then(
        (state) => this.ctx.observeRouting(state, 'provider'),
        (e: unknown) => {
          if (!this.stopper.signal.aborted) this.ctx.routingError(e instanceof Error ? e.message : String(e));
        },
      )
      .then(() => this.ctx.routingView())
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }

  /** Intents confirmed before a restart: re-sent with their keys, audited like any action. */
  private async resumePending(): Promise<void> {
    const seen = new Map(this.executor.pending().map((i) => [i.id, i.before ?? null]));
    let outcomes: ActionOutcome[];
    try {
      outcomes = await this.executor.resumePending();
    } catch (e) {
      if (this.stopper.signal.aborted) return;
      this.ctx.push({
        kind: 'notification',
        id: 'routing-resume-failed',
        title: 'Actions pending from before the restart could not be settled',
        body: (e as Error).message,
        severity: 'critical',
      });
      return;
    }
    for (const outcome of outcomes) {
      this.notify(outcome, `After restart: ${actionLabel(outcome.request)}`);
      try {
        await this.settle(outcome, seen.get(outcome.intentId) ?? null, this.figuresOnScreen(), { trigger: 'pending when the console restarted' });
      } catch (e) {
        this.ctx.push({ kind: 'notification', id: `audit-${outcome.intentId}`, title: 'Audit entry not written', body: (e as Error).message, severity: 'critical' });
      }
    }
  }

  private onAttempt(idempotencyKey: string, phase: Flight['phase']): void {
    const flight = this.flights.get(idempotencyKey);
    if (!flight) return;
    if (phase === 'sending') flight.attempt += 1;
    flight.phase = phase;
  }

  /** An action settled after a restart reaches the operator as a notification: no confirm shows it. */
  private notify(outcome: ActionOutcome, title: string): void {
    const verified = outcome.status === 'verified';
    this.ctx.push({
      kind: 'notification',
      id: `action-${outcome.intentId}`,
      title: `${title}: ${verified ? 'verified' : outcome.status === 'failed' ? 'FAILED' : 'NOT VERIFIED'}`,
      body: outcome.knownText,
      severity: verified ? 'warning' : 'critical',
    });
  }

  private ownerOrNone(): string {
    try {
      return this.ctx.operator();
    } catch {
      return 'no owner';
    }
  }
}
