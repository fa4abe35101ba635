import type { ActionIntent, ActionOutcome, ActionStep, InProgressEstimate, PendingAfterRestart, RecoveryReport } from '../../../shared/actions.js';
import { ACTION_STATUS_TEXT, actionLabel, actionStepText } from '../../../shared/action-text.js';
import type { PreparedAction } from '../../../shared/bridge.js';
import { runbookFor } from '../../../shared/config.js';
import type { ActionsView, RoutingView } from '../../../shared/console-state.js';
import type { KpiId } from '../../../shared/kpi.js';
import { autoActOperator } from '../../../shared/operator-text.js';
import type { CallRecord, RoutingActionName, RoutingActionRequest, RoutingState } from '../../../shared/protocol.js';
import { actionAuditEntry, joinedAuditEntry } from './action-entry.js';
import { ActionExecutor, type PendingCheck } from './action-executor.js';
import { combinedOutcome } from './combined-outcome.js';
import { describeSteps, intentsTouched } from './effect-text.js';
import { expectedStateHolds } from './expected-state.js';
import { NewCallCounter, RecentCalls } from './new-calls.js';
import { backgroundText } from './outcome-text.js';
import { requestsFor, type ActionAsked } from './prepare-request.js';
import { capabilitiesOf, type RoutingProvider } from './provider.js';
import { RecoveryWatch } from './recovery-watch.js';
import { decisionKey, RecentDecisions, type DecisionRun } from './same-decision.js';
import type { ConsoleContext, Feature, Handlers, Tick } from '../engine/feature.js';
import { BoundedMap } from '../lib/bounded-map.js';
import { describeEstimate, InProgressEstimator } from './in-progress-estimate.js';
import { PendingActionsJournal } from './pending-journal.js';
import { recoveryPlan } from './recovery-plan.js';
import { RECOVERY_WINDOW, screenFigures, type ScreenFigures } from './screen-figures.js';

export type RoutingChannels = 'routing:prepare' | 'routing:execute' | 'routing:refresh' | 'routing:resolve-pending';

/** Whether an alert rule breaches on data the console received since it started: 'unknown' until there is such data. */
export type RuleStillBreaches = (ruleId: string) => 'breaching' | 'clear' | 'unknown';

export interface RoutingFeatureOptions {
  /**
   * Asked about an automatic action found pending after a restart: it proceeds on its own, as
   * its countdown promised, only while its rule still breaches on fresh data.
   */
  ruleStillBreaches?: RuleStillBreaches;
}

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
  /** The rule whose countdown acted, asked again if the action is still pending after a restart. */
  ruleId?: string;
  /** Pause the ramp too, after the route: one decision, two provider actions. */
  pauseRamp?: boolean;
}

interface RunContext {
  trigger?: string;
  kpis?: KpiId[];
  /** False for the later parts of one confirm: the watch follows the part meant to fix the KPIs. */
  watch?: boolean;
  /** Recorded with the entry: who confirmed an action from before a restart, and why. */
  resumed?: { decidedBy: string; reason: string | null };
}

/** A confirm opened and not yet confirmed: every part it stands for, and when it was opened among the others. */
interface Prepared {
  steps: ActionIntent[];
  /** Order number from `RecentDecisions.stamp`, to tell whether a decision settled before or after it. */
  openedAt: number;
}

interface Flight {
  intentId: string;
  action: RoutingActionName;
  startedAt: number;
  step: ActionStep;
  attempt: number;
  background: boolean;
}

/** An action from before the restart that was not found applied: it waits for a decision. */
interface Awaiting extends PendingAfterRestart {
  checked: PendingCheck;
  /** The automatic action's rule was asked and no longer breaches: from now on only the operator decides. */
  ruleCleared: boolean;
}

const LATE = Symbol('late');

interface Watching {
  watch: RecoveryWatch;
  counter: NewCallCounter;
  startedAt: number;
  report: RecoveryReport;
  note: string;
}

/** Emergency controls: routing actions through the provider and the recovery watch. */
export class RoutingFeature implements Feature {
  readonly handlers: Pick<Handlers, RoutingChannels>;
  private readonly executor: ActionExecutor;
  private readonly estimator: InProgressEstimator;
  /** By the first part's intent id: every part one confirm stands for, in the order they are sent. */
  private readonly prepared = new BoundedMap<string, Prepared>(PREPARED_KEPT);
  /** Confirms sent recently, by decision: the same decision confirmed again at once joins them. */
  private readonly decisions = new RecentDecisions();
  private readonly recentCalls = new RecentCalls();
  private readonly executions = new BoundedMap<string, Promise<ActionOutcome>>(EXECUTIONS_KEPT);
  /** By idempotency key: what the provider wrapper reports attempts against. */
  private readonly flights = new Map<string, Flight>();
  private readonly stopper = new AbortController();
  private lastOutcome: ActionOutcome | null = null;
  private lastOutcomeAt: number | null = null;
  private watching: Watching | null = null;
  private reading: Promise<RoutingView> | null = null;
  private lastReadAt = -Infinity;
  /** By intent id, in the order they were confirmed. */
  private readonly awaiting = new Map<string, Awaiting>();
  private resuming: Promise<void> = Promise.resolve();

  static async open(ctx: ConsoleContext, provider: RoutingProvider, options: RoutingFeatureOptions = {}): Promise<RoutingFeature> {
    const journal = await PendingActionsJournal.open(ctx.storage.document('pending-actions'));
    const feature = new RoutingFeature(ctx, provider, journal, options);
    await feature.forgetAlreadyAudited();
    feature.resuming = feature.resumePending();
    return feature;
  }

  private constructor(
    private readonly ctx: ConsoleContext,
    private readonly provider: RoutingProvider,
    journal: PendingActionsJournal,
    private readonly options: RoutingFeatureOptions,
  ) {
    this.estimator = new InProgressEstimator(ctx.config.intents);
    this.executor = new ActionExecutor({
      provider,
      journal,
      timeoutMs: ctx.config.routing.timeoutMs,
      retries: ctx.config.routing.retries,
      runbookFor: (action) => this.runbook(action),
      progress: (key, step, attempt) => this.onStep(key, step, attempt),
      now: ctx.now,
    });
    this.handlers = {
      'routing:prepare': (req) => this.prepare(req),
      'routing:execute': ({ intentId, reason }) => this.execute(intentId, reason),
      'routing:refresh': () => this.readProvider(),
      'routing:resolve-pending': ({ intentId, decision, reason }) => this.resolvePending(intentId, decision, reason ?? null),
    };
  }

  /** Settles once every action pending at the restart was read back, and settled or put before the operator. */
  whenResumed(): Promise<void> {
    return this.resuming;
  }

  /**
   * A crash between an entry's audit write and the journal's forgetting leaves an intent that is
   * already in the log: it is forgotten, not audited twice. The rest are read back, one by one.
   */
  private async forgetAlreadyAudited(): Promise<void> {
    const pending = new Set(this.executor.pending().map((i) => i.id));
    if (pending.size === 0) return;
    const audited = new Set<string>();
    await this.ctx.audit.scanStored((e) => {
      const id = e.type === 'action' ? (e.data as { intentId?: unknown }).intentId : undefined;
      if (typeof id === 'string' && pending.has(id)) audited.add(id);
    });
    for (const id of audited) await this.executor.forget(id);
  }

  /** Runs an action the console decided on its own (an alert's auto-act), stamped as such. */
  async executeAutomatic(req: RoutingActionRequest, options: AutomaticActionOptions = {}): Promise<ActionOutcome> {
    const trigger = options.trigger ?? 'alert auto-act';
    const automatic: NonNullable<ActionIntent['automatic']> = { trigger };
    if (options.ruleId !== undefined) automatic.ruleId = options.ruleId;
    if (options.kpis !== undefined) automatic.kpis = options.kpis;
    const operator = autoActOperator(this.ownerOrNull());
    const before = this.ctx.routingView().state;
    const asked: ActionAsked = { action: req.action, ...(req.intents ? { intents: req.intents } : {}), ...(req.share !== undefined ? { share: req.share } : {}) };
    if (options.pauseRamp) asked.pauseRamp = true;
    const steps = requestsFor(asked, operator, this.knownIntents(before), capabilitiesOf(this.provider)).map((r) =>
      this.executor.prepare(req.reason !== undefined ? { ...r, reason: req.reason } : r, before ?? undefined, automatic),
    );
    // The caller (the alert's countdown) tells the operator the outcome, naming its rule.
    return this.runSteps(steps, { trigger, kpis: options.kpis });
  }

  view(): ActionsView {
    let inFlight: Flight | null = null;
    for (const f of this.flights.values()) if (!inFlight || f.startedAt >= inFlight.startedAt) inFlight = f;
    return {
      inFlight: inFlight ? { ...inFlight, maxAttempts: this.maxAttempts() } : null,
      lastOutcome: this.lastOutcome,
      lastOutcomeAt: this.lastOutcomeAt,
      capabilities: capabilitiesOf(this.provider),
      recovery: this.watching?.report ?? null,
      recoveryNote: this.watching?.note ?? null,
      inProgressEstimate: this.inProgress(null),
      pendingAfterRestart: [...this.awaiting.values()].map(({ checked: _checked, ruleCleared: _cleared, ...shown }) => ({ ...shown })),
      auditOpened: this.ctx.audit.opened,
    };
  }

  onCall(call: CallRecord): void {
    this.estimator.onCall(call);
    const seen = this.recentCalls.record(call);
    if (seen) this.watching?.counter.add(seen);
  }

  /** The routing actions a prepared or pending intent would send, for the permission each needs; none for an unknown id. */
  actionsOf(intentId: string): RoutingActionName[] {
    const steps = this.prepared.get(intentId)?.steps ?? this.executor.pending().filter((i) => i.id === intentId);
    return steps.map((s) => s.req.action);
  }

  tick(tick: Tick): void {
    if (tick.now - this.lastReadAt >= POLL_MS) void this.readProvider();
    this.stepAutomaticResumes();
    const w = this.watching;
    const streamTime = tick.stream.streamTime;
    if (!w || w.report.done || streamTime === null || !tick.metrics) return;
    w.report = w.watch.update({
      now: streamTime,
      agentShare: this.ctx.metrics.agentShareSince(w.startedAt, streamTime),
      newCalls: w.counter.snapshot(),
      kpis: tick.metrics.windows[RECOVERY_WINDOW].overall.kpis,
    });
  }

  async close(): Promise<void> {
    this.stopper.abort();
    this.executor.stop();
  }

  private prepare(asked: ActionAsked): PreparedAction {
    const operator = this.ctx.operator();
    const before = this.ctx.routingView().state;
    const requests = requestsFor(asked, operator, this.knownIntents(before), capabilitiesOf(this.provider));
    // Unknown state (provider unreachable) stays undefined so a rollback fetches it before sending.
    const steps = requests.map((r) => this.executor.prepare(r, before ?? undefined));
    const [intent] = steps;
    if (!intent) throw new Error(`action: nothing to send for "${asked.action}"`);
    const inProgress = this.inProgress(intentsTouched(intent.req, before));
    this.prepared.set(intent.id, { steps, openedAt: this.decisions.stamp() });
    return { intent, steps, effect: describeSteps(requests, before, inProgress), inProgress };
  }

  /** The launch's own steps for this action, else the platform's: the numbers and destinations to set by hand. */
  private runbook(action: RoutingActionName): string[] {
    const configured = runbookFor(this.ctx.config, action);
    return configured.length > 0 ? configured : (this.provider.manualSteps?.(action) ?? []);
  }

  private knownIntents(state: RoutingState | null): string[] {
    return state ? Object.keys(state.intents) : this.ctx.config.intents;
  }

  /** The estimate for some intents (all when null), marked stale while the stream is. */
  private inProgress(intents: string[] | null): InProgressEstimate | null {
    const stream = this.ctx.streamStatus();
    const stale = stream.phase === 'live' ? null : (stream.dataAgeMs ?? null);
    return describeEstimate(this.estimator.estimate(stream.streamTime, intents), intents, stream.phase === 'live' ? null : (stale ?? 0));
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
    const steps = reason ? prepared.steps.map((step) => ({ ...step, req: { ...step.req, reason } })) : prepared.steps;
    // Nothing awaits between here and `decisions.sent`, so of two confirms at once exactly one is sent.
    const key = decisionKey(steps);
    const under = this.decisions.joinable(key, prepared.openedAt, this.ctx.routingView().state?.version ?? null);
    const run = under ? this.join(steps, under) : this.send(key, steps);
    this.executions.set(intentId, run);
    return run;
  }

  /** Sends an operator's confirm, remembered as its decision until every part is audited. */
  private send(key: string, steps: ActionIntent[]): Promise<ActionOutcome> {
    const [first] = steps;
    if (!first) throw new Error('action: nothing to send');
    const finals: Promise<ActionOutcome>[] = [];
    const told = this.runSteps(steps, {}, finals);
    // Every part has started once the confirm is told (even "still trying"); the decision settles with the last.
    const final = told.then(async () => {
      const parts = await Promise.all(finals);
      const [only] = parts;
      return only && parts.length === 1 ? only : combinedOutcome(parts);
    });
    this.decisions.sent(key, { intentId: first.id, operator: first.req.operator, told }, final, first.before?.version ?? null);
    return told;
  }

  /**
   * The same decision confirmed by another operator (or twice) while the first is under way:
   * nothing is sent; this confirm hears the first's outcome, once its own audit entry says so.
   */
  private async join(steps: ActionIntent[], run: DecisionRun): Promise<ActionOutcome> {
    const [mine] = steps;
    if (!mine) throw new Error('action: nothing to send');
    const told = await run.told;
    // Past the deadline the first was told "still trying"; a verdict that came since is the newer word.
    const outcome = run.final ?? told;
    const label = steps.map((s) => actionLabel(s.req)).join(', then ');
    try {
      await this.ctx.audit.append(joinedAuditEntry(mine, outcome, { label, joinedIntentId: run.intentId, joinedOperator: run.operator }));
    } catch (e) {
      throw new Error(
        `${label}: ${ACTION_STATUS_TEXT[outcome.status]} on ${run.operator}'s confirm, which yours joined, but your audit entry could not be written: ${(e as Error).message}`,
      );
    }
    return outcome;
  }

  /**
   * The parts of one confirm, one after the other within one deadline, each with its own
   * idempotency key, read-back and audit entry; the outcome says which part held.
   */
  private async runSteps(steps: ActionIntent[], context: RunContext, finals?: Promise<ActionOutcome>[]): Promise<ActionOutcome> {
    const [only] = steps;
    if (!only) throw new Error('action: nothing to send');
    if (steps.length === 1) return this.run(only, context, undefined, finals);
    const dueAt = this.ctx.now() + this.ctx.config.routing.deadlineMs;
    const label = steps.map((s) => actionLabel(s.req)).join(', then ');
    const parts: ActionOutcome[] = [];
    for (const [i, step] of steps.entries()) {
      const trigger = `${context.trigger ? `${context.trigger}; ` : ''}part ${i + 1} of ${steps.length} of one confirm: ${label}`;
      parts.push(await this.run(step, { ...context, trigger, watch: i === 0 }, Math.max(0, dueAt - this.ctx.now()), finals));
    }
    const outcome = combinedOutcome(parts);
    this.lastOutcome = outcome;
    this.lastOutcomeAt = this.ctx.now();
    return outcome;
  }

  /**
   * Executes once and audits (fsync'd) before anyone hears the final outcome. The operator hears
   * something by the deadline whatever the provider does: past it, that the console is still
   * trying; the final outcome then replaces it and arrives as a notification. `finals` gets the
   * final outcome's promise, audited, whether or not it came by the deadline.
   */
  private async run(
    intent: ActionIntent,
    context: RunContext,
    deadlineMs = this.ctx.config.routing.deadlineMs,
    finals?: Promise<ActionOutcome>[],
  ): Promise<ActionOutcome> {
    const figures = this.figuresOnScreen();
    const flight: Flight = {
      intentId: intent.id,
      action: intent.req.action,
      startedAt: this.ctx.now(),
      step: 'sending',
      attempt: 0,
      background: false,
    };
    this.flights.set(intent.idempotencyKey, flight);
    const settled = this.executor
      .execute(intent)
      .finally(() => this.flights.delete(intent.idempotencyKey))
      .then((outcome) => this.settle(outcome, intent.before ?? null, figures, context));
    finals?.push(settled);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((r) => {
      timer = setTimeout(() => r(LATE), deadlineMs);
    });
    try {
      const first = await Promise.race([settled, late]);
      if (first !== LATE) return first;
    } finally {
      clearTimeout(timer);
    }
    flight.background = true;
    const interim = this.interimOutcome(intent, flight);
    this.lastOutcome = interim;
    this.lastOutcomeAt = this.ctx.now();
    settled.then(
      (outcome) => this.notify(outcome, `${actionLabel(outcome.request)} (finished in the background)`),
      (e: unknown) => this.pushProblem(intent, e),
    );
    return interim;
  }

  private interimOutcome(intent: ActionIntent, flight: Flight): ActionOutcome {
    const step = actionStepText(flight.step, flight.attempt, this.maxAttempts());
    return {
      intentId: intent.id,
      idempotencyKey: intent.idempotencyKey,
      request: intent.req,
      status: 'unverified',
      sent: flight.attempt > 0 || flight.step !== 'sending',
      applied: 'unknown',
      attempts: flight.attempt,
      elapsedMs: Math.max(0, this.ctx.now() - flight.startedAt),
      knownText: backgroundText(this.ctx.config.routing.deadlineMs, step),
      runbook: this.runbook(intent.req.action),
      background: true,
    };
  }

  /** The audit entry is durable before the journal forgets the intent and before anyone hears the outcome. */
  private async settle(outcome: ActionOutcome, before: RoutingState | null, figures: ScreenFigures, context: RunContext): Promise<ActionOutcome> {
    // The read-back is the newest word on the routing: the sidebar shows it now, not at the next poll.
    if (outcome.readBack) this.ctx.observeRouting(outcome.readBack, 'provider');
    this.lastOutcome = outcome;
    this.lastOutcomeAt = this.ctx.now();
    if (outcome.status === 'verified' && outcome.readBack && context.watch !== false) this.startWatch(outcome, figures, context.kpis);
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
          ...(context.resumed ? { resumedAfterRestart: context.resumed } : {}),
        },
      });
    } catch (e) {
      throw new Error(
        `${actionLabel(outcome.request)}: ${ACTION_STATUS_TEXT[outcome.status]}, but its audit entry could not be written: ${(e as Error).message}`,
      );
    }
    await this.executor.forget(outcome.intentId);
    return outcome;
  }

  private startWatch(outcome: ActionOutcome, figures: ScreenFigures, named: KpiId[] | undefined): void {
    const after = outcome.readBack;
    if (!after) return;
    const plan = recoveryPlan(outcome.request, after, named, figures.outOfTarget ?? undefined);
    const watch = new RecoveryWatch({
      action: outcome.request,
      after,
      kpis: plan.kpis,
      fallbackRateBefore: figures.recentFallbackRate,
    });
    const label = `${actionLabel(outcome.request)} by ${outcome.request.operator}`;
    const startedAt = Date.parse(after.updatedAt);
    const req = outcome.request;
    const targeted = req.intents && req.intents.length > 0 ? req.intents : null;
    this.watching = {
      watch,
      counter: this.recentCalls.counterSince(startedAt, targeted),
      startedAt,
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
        (state) => {
          this.ctx.observeRouting(state, 'provider');
          this.reassess(state);
        },
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

  /**
   * Intents confirmed before a restart, each read back first: one found applied is audited as
   * such and forgotten at once; any other waits for the operator (or, for an automatic one, for
   * its rule to breach on fresh data), since re-sending it blindly could undo a change made by
   * hand on the provider meanwhile.
   */
  private async resumePending(): Promise<void> {
    for (const intent of this.executor.pending()) {
      if (this.stopper.signal.aborted) return;
      let checked: PendingCheck;
      try {
        checked = await this.executor.check(intent);
      } catch (e) {
        if (this.stopper.signal.aborted) return;
        checked = { check: 'unknown', state: null, error: (e as Error).message };
      }
      if (checked.state) this.ctx.observeRouting(checked.state, 'provider');
      if (checked.check === 'holds') {
        await this.settleUnsent(intent, checked, null);
        continue;
      }
      this.awaiting.set(intent.id, {
        intent,
        check: checked.check,
        state: checked.state,
        checkedAt: this.ctx.now(),
        error: checked.error,
        automaticNote: intent.automatic?.ruleId ? 'Waiting for fresh data on its rule before sending it as its countdown promised' : null,
        resolving: false,
        checked,
        ruleCleared: false,
      });
      this.ctx.push({
        kind: 'notification',
        id: `pending-${intent.id}`,
        title: `After restart: was "${actionLabel(intent.req)}" applied?`,
        body:
          checked.check === 'unknown'
            ? `The provider could not be read (${checked.error ?? 'no reply'}); confirm to send it again or discard it under Emergency controls.`
            : 'The provider does not show it; confirm to send it again or discard it under Emergency controls.',
        severity: 'critical',
      });
    }
  }

  /** A provider state read while actions from before the restart wait: one now in place is settled. */
  private reassess(state: RoutingState): void {
    for (const item of this.awaiting.values()) {
      if (item.resolving) continue;
      const holds = expectedStateHolds(item.intent.req, item.intent.before ?? null, state);
      item.checked = { check: holds ? 'holds' : 'not-applied', state, error: null };
      item.check = 'not-applied';
      item.state = state;
      item.checkedAt = this.ctx.now();
      item.error = null;
      if (holds) {
        item.resolving = true;
        this.settleUnsent(item.intent, item.checked, null).catch((e: unknown) => this.pushProblem(item.intent, e));
      }
    }
  }

  /** An automatic action from before the restart proceeds as its countdown promised while its rule still breaches. */
  private stepAutomaticResumes(): void {
    const ask = this.options.ruleStillBreaches;
    if (!ask) return;
    for (const item of this.awaiting.values()) {
      const ruleId = item.intent.automatic?.ruleId;
      if (item.resolving || item.ruleCleared || ruleId === undefined) continue;
      const answer = ask(ruleId);
      if (answer === 'unknown') continue;
      if (answer === 'clear') {
        item.ruleCleared = true;
        item.automaticNote = 'Its rule no longer breaches on fresh data, so it is not sent on its own: send it again or discard it';
        continue;
      }
      item.resolving = true;
      item.automaticNote = 'Its rule still breaches on fresh data: sending it now, as its countdown promised';
      const trigger = `${item.intent.automatic?.trigger ?? 'alert auto-act'}; pending at the restart, sent again because its rule still breaches on fresh data`;
      this.ctx.push({
        kind: 'notification',
        id: `pending-${item.intent.id}`,
        title: `After restart: ${actionLabel(item.intent.req)} proceeds automatically`,
        body: 'Its alert rule still breaches on data received since the restart, so the action goes ahead as its countdown promised.',
        severity: 'critical',
      });
      this.resume(item, { trigger, kpis: item.intent.automatic?.kpis }).then(
        (outcome) => this.notify(outcome, `After restart: ${actionLabel(outcome.request)}`),
        (e: unknown) => {
          item.resolving = false;
          item.ruleCleared = true;
          item.automaticNote = 'Sending it again failed; decide here';
          this.pushProblem(item.intent, e);
        },
      );
    }
  }

  /** The operator's answer to "was this applied?": send it again with its original key, or settle it unsent. */
  private resolvePending(intentId: string, decision: 'resend' | 'discard', reason: string | null): Promise<ActionOutcome> {
    const running = this.executions.get(intentId);
    if (running) return running;
    const item = this.awaiting.get(intentId);
    if (!item) {
      throw new Error(`intentId: no action from before the restart is waiting with id "${intentId}"; it was settled already`);
    }
    if (item.resolving) throw new Error(`intentId: "${actionLabel(item.intent.req)}" is being settled already`);
    const decidedBy = this.ctx.operator();
    item.resolving = true;
    const done =
      decision === 'resend'
        ? this.resume(item, {
            trigger: `pending when the console restarted; sent again on ${decidedBy}'s confirm`,
            kpis: item.intent.automatic?.kpis,
            resumed: { decidedBy, reason },
          })
        : this.settleUnsent(item.intent, item.checked, decidedBy, reason);
    // A failed decision (the audit entry could not be written) leaves it on screen to decide again.
    const settled = done.catch((e: unknown) => {
      item.resolving = false;
      this.executions.delete(intentId);
      throw e;
    });
    this.executions.set(intentId, settled);
    return settled;
  }

  private async resume(item: Awaiting, context: RunContext): Promise<ActionOutcome> {
    const outcome = await this.run(item.intent, context);
    this.awaiting.delete(item.intent.id);
    return outcome;
  }

  /** Audits an intent from before the restart that is not sent again, then forgets it. */
  private async settleUnsent(intent: ActionIntent, checked: PendingCheck, decidedBy: string | null, reason: string | null = null): Promise<ActionOutcome> {
    const outcome = this.executor.settledWithoutSending(intent, checked, decidedBy);
    const context: RunContext = { trigger: 'pending when the console restarted' };
    if (decidedBy !== null) context.resumed = { decidedBy, reason };
    await this.settle(outcome, intent.before ?? null, this.figuresOnScreen(), context);
    this.awaiting.delete(intent.id);
    this.notify(outcome, `After restart: ${actionLabel(outcome.request)}`);
    return outcome;
  }

  private onStep(idempotencyKey: string, step: ActionStep, attempt: number): void {
    const flight = this.flights.get(idempotencyKey);
    if (!flight) return;
    flight.step = step;
    flight.attempt = attempt;
  }

  private maxAttempts(): number {
    return this.ctx.config.routing.retries + 1;
  }

  /** An outcome no confirm is waiting for reaches the operator as a notification. */
  private notify(outcome: ActionOutcome, title: string): void {
    const verified = outcome.status === 'verified';
    this.ctx.push({
      kind: 'notification',
      id: `action-${outcome.intentId}`,
      title: `${title}: ${ACTION_STATUS_TEXT[outcome.status]}`,
      body: outcome.knownText,
      severity: verified ? 'warning' : 'critical',
    });
  }

  private pushProblem(intent: ActionIntent, e: unknown): void {
    if (this.stopper.signal.aborted) return;
    this.ctx.push({
      kind: 'notification',
      id: `action-${intent.id}`,
      title: `${actionLabel(intent.req)}: not settled`,
      body: e instanceof Error ? e.message : String(e),
      severity: 'critical',
    });
  }

  private ownerOrNull(): string | null {
    try {
      return this.ctx.operator();
    } catch {
      return null;
    }
  }
}
