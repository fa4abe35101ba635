import { randomUUID } from 'node:crypto';
import type { ConsolePush, ExportFile } from '../../shared/bridge.js';
import { hasAnyRunbook, type LaunchConfig } from '../../shared/config.js';
import type { ConsoleSnapshot, RoutingView, StreamStatus } from '../../shared/console-state.js';
import { RoutingActionNameSchema, type RoutingActionName, type RoutingState } from '../../shared/protocol.js';
import { isBridgeChannel, type BridgeChannel } from '../../shared/bridge-channels.js';
import { CHANNEL_ACCESS, type ActionPermissions, type Role, type TeamHealth } from '../../shared/team.js';
import type { WindowStats } from '../../shared/kpi.js';
import { CONSOLE_OPERATOR, SHIFT_OWNER_REQUIRED } from '../../shared/operator-text.js';
import { auditHandlers } from './audit/audit-handlers.js';
import { AuditLog } from './audit/audit-log.js';
import { AlertsFeature } from './alerts/alerts-feature.js';
import { CadenceFeature } from './cadence/cadence-feature.js';
import type { ConsoleContext, Feature, Handlers } from './engine/feature.js';
import { RoutingFeature } from './routing/routing-feature.js';
import { actingAs, currentActor, type Actor } from './engine/acting-operator.js';
import { createBridgeDispatcher, type BridgeDispatch } from './engine/bridge-dispatch.js';
import { refusal } from './team/authorize.js';
import type { PresenceBoard } from './team/presence.js';
import { TeamFeature } from './team/team-feature.js';
import { SamplingFeature } from './sampling/sampling-feature.js';
import { GatesFeature } from './gates/gates-feature.js';
import type { GateInputs } from './gates/console-facts.js';
import { RolloutFeature, type ActOutcome, type RehearsalTarget, type RolloutHooks } from './rollout/rollout-feature.js';
import { expectedStateHolds } from './routing/expected-state.js';
import { MetricsAggregator } from './metrics/aggregator.js';
import { KpiHistory, type KpiHistoryQuery } from './metrics/kpi-history.js';
import { KpiHistoryStore } from './metrics/kpi-history-store.js';
import { fileStorage } from './storage/file-storage.js';
import type { JsonDocument, LaunchStorage } from './storage/ports.js';
import { ResumeMarks, ResumeMarksSchema } from './stream/resume-marks.js';
import { Serial } from './lib/serial.js';
import type { SettingsStore } from './storage/settings-store.js';
import type { RoutingProvider } from './routing/provider.js';
import { routingProviderFor } from './routing/providers/from-config.js';
import { StreamClient } from './stream/stream-client.js';
import { REVIEW_PLAN } from './cadence/schedule.js';
import { reportFile, reportHandlers, type ReportSource, type ReportSpan } from './report/report-handlers.js';

export interface ConsoleServiceOptions {
  config: LaunchConfig;
  /** The data folder of a launch kept on one desk; not needed when `storage` is given. */
  dataDir?: string;
  streamToken?: string;
  routingToken?: string;
  splitterToken?: string | undefined;
  /** Another provider adapter than the one `routing.kind` names. */
  provider?: RoutingProvider;
  now?: () => number;
  /** How often the engine ticks and pushes a snapshot: at most, and at least (so staleness shows). */
  pushIntervalMs?: number;
  /**
   * How this host keeps the routing provider's token. By default it is read from the
   * environment at start and cannot be entered in the console; the desktop shell keeps one
   * entered by the operator with the OS keychain.
   */
  routingTokenHandlers?: Pick<Handlers, 'routing:token-status' | 'routing:set-token'>;
  /** A PDF of the launch report; only the desktop app can print one (the web host's page uses the browser's print dialog). */
  reportPdfHandler?: Pick<Handlers, 'report:pdf'>;
  /** Where T0 is kept: electron-store in the desktop app; by default conf in dataDir. */
  settings?: SettingsStore;
  /** Where the launch's records are kept; by default files in dataDir. */
  storage?: LaunchStorage;
  /** The rehearsal provider's token; by default read from its configured environment variable. */
  rehearsalToken?: string;
  /** Team mode: the console server's operators and what each role may trigger. Left out, one desk. */
  team?: { permissions: ActionPermissions; roleOf(name: string): Role | null; presence: PresenceBoard; health(): TeamHealth | null };
}

interface Features {
  cadence: CadenceFeature;
  routingActions: RoutingFeature;
  alerts: AlertsFeature;
  sampling: SamplingFeature;
  rollout: RolloutFeature;
  gates: GatesFeature;
  team: TeamFeature;
}

type PushListener = (push: ConsolePush) => void;

/** A request the caller's role may not make; it was audited as refused. */
export class AccessRefused extends Error {}

/**
 * The console engine both hosts run: stream in, aggregation, features (routing actions, alerts,
 * review cadence, sampling), snapshots out. Snapshots are batched: one per tick however fast the
 * stream is.
 */
export class ConsoleService {
  readonly metrics: MetricsAggregator;
  /** The whole launch's figures, for reviews over their own span. */
  readonly history: KpiHistory;
  readonly stream: StreamClient;
  private historyStore: KpiHistoryStore | null = null;
  private parts: Features | null = null;
  private handlerTable: Handlers | null = null;
  private features: Feature[] = [];
  private readonly now: () => number;
  private readonly listeners = new Set<PushListener>();
  private timer: NodeJS.Timeout | null = null;
  private routing: RoutingView = { state: null, source: null, observedAt: null, error: null };
  private readonly marksWrites = new Serial();
  private pushScheduled = false;
  private tokenRevision = 0;

  /** Opens the launch's records (the audit chain checked, each feature's state read back), ready to start. */
  static async open(options: ConsoleServiceOptions): Promise<ConsoleService> {
    const now = options.now ?? Date.now;
    const storage = options.storage ?? (options.dataDir !== undefined ? fileStorage(options.dataDir, options.settings) : null);
    if (!storage) throw new Error('the console needs a data folder or a database to keep the launch in');
    const audit = await AuditLog.open(storage.records('audit'), {
      secrets: [options.routingToken ?? '', options.streamToken ?? '', options.splitterToken ?? '', rehearsalToken(options)],
      now,
    });
    const marks = await openResumeMarks(storage.document('stream-marks'));
    if (marks.problem) await audit.append({ type: 'config', operator: CONSOLE_OPERATOR, summary: marks.problem, data: { document: marks.doc.location } });
    const service = new ConsoleService(options, storage, audit, marks);
    service.historyStore = await KpiHistoryStore.open(storage.records('kpi-history'), service.history);
    service.attach(await openFeatures(options, service.context(), service.history));
    return service;
  }

  get cadence(): CadenceFeature {
    return this.opened().cadence;
  }

  get routingActions(): RoutingFeature {
    return this.opened().routingActions;
  }

  get alerts(): AlertsFeature {
    return this.opened().alerts;
  }

  get sampling(): SamplingFeature {
    return this.opened().sampling;
  }

  get team(): TeamFeature {
    return this.opened().team;
  }

  /**
   * The dispatcher for one signed-in operator's window in team mode: each request is checked
   * against their role (a refusal is audited) and runs as them, so what it writes carries their
   * name. Null is one desk's dispatcher, where the shift owner acts.
   */
  dispatcherFor(actor: Actor | null): BridgeDispatch {
    const dispatch = createBridgeDispatcher(this.handlers);
    const team = this.options.team;
    const run: BridgeDispatch =
      !actor || !team
        ? dispatch
        : async (channel, request) => {
            if (isBridgeChannel(channel)) {
              const why = refusal(actor.role, channel, request, team.permissions, (c, r) => this.actionsOf(c, r));
              if (why) {
                await this.audit.append({ type: 'access', operator: actor.name, summary: `Refused ${actor.name} (${actor.role}): ${why}`, data: { channel, role: actor.role } });
                throw new AccessRefused(`Refused: ${why}. Ask an admin if you need it.`);
              }
            }
            return actingAs(actor, () => dispatch(channel, request));
          };
    return async (channel, request) => {
      try {
        const result = await run(channel, request);
        if (channel === 'routing:set-token') this.tokenRevision += 1;
        return result;
      } finally {
        // A change reaches every other window now rather than at the next tick.
        if (isBridgeChannel(channel) && CHANNEL_ACCESS[channel] !== 'read') this.pushSoon();
      }
    };
  }

  /** One snapshot for every change made in the same turn of the event loop. */
  private pushSoon(): void {
    if (this.pushScheduled || !this.timer) return;
    this.pushScheduled = true;
    setImmediate(() => {
      this.pushScheduled = false;
      if (this.timer && this.listeners.size > 0) this.emit({ kind: 'snapshot', snapshot: this.snapshot() });
    });
  }

  private actionsOf(channel: BridgeChannel, request: unknown): RoutingActionName[] {
    const r = (request ?? {}) as { action?: unknown; pauseRamp?: unknown; intentId?: unknown };
    switch (channel) {
      case 'routing:prepare': {
        const action = RoutingActionNameSchema.safeParse(r.action);
        return [...(action.success ? [action.data] : []), ...(r.pauseRamp === true ? (['pause_ramp'] as const) : [])];
      }
      case 'routing:execute':
      case 'routing:resolve-pending':
        return typeof r.intentId === 'string' ? this.routingActions.actionsOf(r.intentId) : [];
      case 'rollout:promote':
      case 'rollout:return-to':
        return ['set_share'];
      default:
        return [];
    }
  }

  /** Every bridge channel's handler, checked against the contract by the type of `Handlers`. */
  get handlers(): Handlers {
    if (!this.handlerTable) throw new Error('the console is still opening');
    return this.handlerTable;
  }

  private constructor(
    private readonly options: ConsoleServiceOptions,
    readonly storage: LaunchStorage,
    readonly audit: AuditLog,
    private readonly marks: { doc: JsonDocument; marks: ResumeMarks; problem: string | null },
  ) {
    this.now = options.now ?? Date.now;
    const { config } = options;
    const resume = marks.marks.plan();
    const rebuildUpTo = resume?.rebuildUpTo ?? 0;
    this.metrics = new MetricsAggregator({ intents: config.intents, handoffIntents: config.handoffIntents });
    this.history = new KpiHistory({ intents: config.intents, handoffIntents: config.handoffIntents });
    this.stream = new StreamClient(
      {
        url: config.stream.url,
        token: options.streamToken,
        ...(resume ? { since: resume.since } : {}),
        staleAfterMs: config.stream.staleAfterSec * 1000,
        acceptPastMs: config.stream.acceptPastHours * 3_600_000,
        acceptFutureMs: config.stream.acceptFutureSec * 1000,
        now: this.now,
      },
      {
        call: (call, seq) => {
          this.metrics.ingestCall(call);
          // Handled by the console before this one took the launch over: it only refills the windows.
          if (seq <= rebuildUpTo) return;
          this.history.ingestCall(call);
          // Every feature sees the call even when one of them cannot take it; the first failure is
          // then reported by the stream client as a call that could not be processed.
          let failure: unknown = null;
          for (const f of this.features) {
            try {
              f.onCall?.(call);
            } catch (e) {
              failure ??= e;
            }
          }
          if (failure !== null) throw failure;
        },
        metric: (m) => {
          this.metrics.ingestMetric(m);
          if (m.seq <= rebuildUpTo) return;
          this.history.observe(Date.parse(m.ts));
        },
        routing: (e) => this.observeRouting(e.state, 'stream'),
        // Seqs that will never arrive: the windows over their stream time read incomplete.
        lost: ({ fromTime, toTime }) => {
          this.metrics.markGap(fromTime, toTime);
          this.history.markGap(fromTime, toTime);
        },
      },
    );

  }

  private attach(parts: Features): void {
    const { config } = this.options;
    const { options } = this;
    this.parts = parts;
    this.features = [parts.cadence, parts.routingActions, parts.alerts, parts.sampling, parts.rollout, parts.gates, parts.team];
    this.handlerTable = {
      'console:snapshot': () => this.snapshot(),
      ...parts.cadence.handlers,
      ...parts.routingActions.handlers,
      ...auditHandlers(this.audit, config.launchName, this.now),
      ...parts.alerts.handlers,
      ...parts.sampling.handlers,
      ...parts.gates.handlers,
      ...parts.rollout.handlers,
      ...parts.team.handlers,
      ...(options.team
        ? {
            'operator:set-shift-owner': () => {
              throw new Error('In team mode the shift passes by handover: the owner offers it and the next operator accepts.');
            },
          }
        : {}),
      ...reportHandlers(this.reportSource()),
      ...(options.reportPdfHandler ?? {
        'report:pdf': () => {
          throw new Error('Only the desktop app prints the report to PDF here: open the HTML report and print it from the browser (Save as PDF).');
        },
      }),
      ...(options.routingTokenHandlers ?? {
        'routing:token-status': () => ({
          present: Boolean(options.routingToken),
          keptEncrypted: false,
          canEnter: false,
          note: options.routingToken
            ? `Read from ${config.routing.tokenEnv} when this console started.`
            : `No routing token: set ${config.routing.tokenEnv} before starting this console.`,
        }),
        'routing:set-token': () => {
          throw new Error(
            `This console reads the routing token from ${config.routing.tokenEnv} when it starts; only the desktop app keeps a token entered here.`,
          );
        },
      }),
    };
  }

  /** The launch report over a span, read from storage: for the desktop shell's PDF. */
  buildReport(span: ReportSpan = {}): Promise<ExportFile> {
    return reportFile(this.reportSource(), span);
  }

  private reportSource(): ReportSource {
    const { config } = this.options;
    return { storage: this.storage, launchName: config.launchName, intents: config.intents, reviewPlan: REVIEW_PLAN, now: this.now };
  }

  start(): void {
    this.stream.start();
    this.timer = setInterval(() => this.tick(), this.options.pushIntervalMs ?? 250);
  }

  /** Stops the stream and the timers, then waits until everything asked of storage is written. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stream.stop();
    await Promise.all([...this.features.map((f) => f.close?.()), this.historyStore?.close(), this.marksWrites.idle()]);
    await this.audit.close();
  }

  onPush(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  observeRouting(state: RoutingState, source: 'stream' | 'provider'): void {
    const current = this.routing.state;
    // Stream and provider may report out of order; the provider's version number decides.
    if (current && state.version < current.version) return;
    this.routing = { state, source, observedAt: this.now(), error: null };
  }

  snapshot(): ConsoleSnapshot {
    const stream = this.stream.status();
    return {
      launchName: this.options.config.launchName,
      intents: this.options.config.intents,
      stream,
      metrics: stream.streamTime === null ? null : this.metrics.snapshot(stream.streamTime),
      routing: { ...this.routing },
      operator: this.cadence.currentOwner(),
      actions: this.routingActions.view(),
      alerts: this.alerts.view(),
      cadence: this.cadence.view(),
      sampling: this.sampling.view(),
      gates: this.opened().gates.view(),
      rollout: this.opened().rollout.view(),
      hasRunbook: hasAnyRunbook(this.options.config),
      team: this.team.view(),
      revisions: { audit: this.audit.lastEntry?.seq ?? 0, ...this.sampling.revisions(), routingToken: this.tokenRevision },
      generatedAt: this.now(),
    };
  }

  /** One engine step: features see the same figures the renderer is about to get. */
  tick(): void {
    const snap = this.snapshot();
    // Heartbeats move stream time without an event of their own: a live stream observed this minute.
    if (snap.stream.phase === 'live' && snap.stream.streamTime !== null) this.history.observe(snap.stream.streamTime);
    this.historyStore?.flush((e) => this.storageFailed('the KPI history', e));
    if (this.marks.marks.take(snap.stream.seq, snap.stream.streamTime, snap.generatedAt)) this.keepMarks();
    for (const f of this.features) f.tick?.({ now: snap.generatedAt, metrics: snap.metrics, stream: snap.stream });
    if (this.listeners.size > 0) this.emit({ kind: 'snapshot', snapshot: this.snapshot() });
  }

  /** One write at a time, the newest marks last: a slow disk or database delays the marks, never reorders them. */
  private keepMarks(): void {
    const marks = this.marks.marks.list();
    void this.marksWrites.run(() => this.marks.doc.write({ version: 1, marks })).catch((e: unknown) => this.storageFailed('where the stream resumes after a restart', e));
  }

  private opened(): Features {
    if (!this.parts) throw new Error('the console is still opening');
    return this.parts;
  }

  /** What every feature is lent: the service's own state and the ways to act on it. */
  private context(): ConsoleContext {
    const { audit } = this;
    return {
      config: this.options.config,
      storage: this.storage,
      now: this.now,
      launchNow: () => {
        const { streamTime, lastEventAt } = this.stream.status();
        if (streamTime === null || lastEventAt === null) return null;
        return streamTime + Math.max(0, this.now() - lastEventAt);
      },
      metrics: this.metrics,
      audit,
      streamStatus: () => this.stream.status(),
      routingView: () => ({ ...this.routing }),
      observeRouting: (state, source) => this.observeRouting(state, source),
      routingError: (message) => {
        this.routing = { ...this.routing, error: message };
      },
      operator: () => {
        const actor = currentActor();
        if (actor) return actor.name;
        const owner = this.cadence.currentOwner();
        if (!owner) throw new Error(SHIFT_OWNER_REQUIRED);
        return owner.name;
      },
      push: (push) => this.emit(push),
      storageFailed: (what, error) => this.storageFailed(what, error),
      auditInBackground: (entry) => {
        audit.append(entry).catch((e: unknown) => this.storageFailed('an audit entry', e));
      },
    };
  }

  private storageFailed(what: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.emit({
      kind: 'notification',
      id: `storage-failed:${what}`,
      title: `Not saved: ${what}`,
      body: `${message}. The console goes on, but this was not kept in ${this.storage.description}.`,
      severity: 'critical',
    });
  }

  private emit(push: ConsolePush): void {
    for (const l of this.listeners) l(push);
  }
}

/** The stream's resume marks as the console before this one kept them; an unreadable document is set aside and the stream starts from now. */
async function openResumeMarks(doc: JsonDocument): Promise<{ doc: JsonDocument; marks: ResumeMarks; problem: string | null }> {
  const read = await doc.read();
  if (read.kind === 'none') return { doc, marks: new ResumeMarks(), problem: null };
  const parsed = read.kind === 'stored' ? ResumeMarksSchema.safeParse(read.value) : null;
  if (parsed?.success) return { doc, marks: new ResumeMarks(parsed.data.marks), problem: null };
  const aside = await doc.setAside('unreadable');
  return { doc, marks: new ResumeMarks(), problem: `where the stream resumes could not be read (kept at ${aside}): the figures start from now` };
}

/** Opens each feature's records; features meet only here, through the callbacks they are given. */
async function openFeatures(options: ConsoleServiceOptions, ctx: ConsoleContext, kpiHistory: KpiHistoryQuery): Promise<Features> {
  const { config } = options;
  const provider =
    options.provider ??
    routingProviderFor(config.routing, { token: options.routingToken ?? '', ...(options.splitterToken ? { splitterToken: options.splitterToken } : {}) }, config.intents);
  const openedAt = ctx.now();
  let alerts: AlertsFeature | null = null;
  const cadence = await CadenceFeature.open(ctx, {
    settings: ctx.storage.settings(),
    alertHistory: () => alerts?.view().log ?? [],
    kpiHistory,
    baselines: () => alerts?.view().baselines ?? null,
  });
  const routingActions = await RoutingFeature.open(ctx, provider, {
    ruleStillBreaches: (ruleId) => (alerts ? ruleStillBreaches(alerts, ruleId, ctx.streamStatus(), openedAt) : 'unknown'),
  });
  alerts = await AlertsFeature.open(ctx, (req, automatic) => routingActions.executeAutomatic(req, automatic));
  const sampling = await SamplingFeature.open(ctx, undefined, provider.recordingSource ? (call) => provider.recordingSource!(call, AbortSignal.timeout(config.routing.timeoutMs)) : undefined);
  const ready = alerts;
  const rollout = await RolloutFeature.open(ctx, rolloutHooks(options, ctx, kpiHistory, routingActions, ready, sampling));
  const lastHour = lastHourOf(ctx);
  const gates = await GatesFeature.open(ctx, () => gateInputs(options, ctx, cadence, ready, rollout, lastHour));
  const team = await TeamFeature.open(
    ctx,
    options.team
      ? {
          permissions: options.team.permissions,
          hooks: {
            currentOwner: () => cadence.currentOwner(),
            setShiftOwner: (name, note, by) => cadence.setShiftOwner(name, note, by),
            roleOf: options.team.roleOf,
            presence: options.team.presence,
            health: options.team.health,
          },
        }
      : null,
  );
  return { cadence, routingActions, alerts, sampling, rollout, gates, team };
}

function outcomeOf(o: { status: ActOutcome['status']; knownText: string; readBack?: RoutingState }): ActOutcome {
  return { status: o.status, text: o.knownText, readBack: o.readBack ?? null };
}

/** The ladder's ways into the rest of the console: routing actions, the KPI history, alerts and sampling. */
function rolloutHooks(
  options: ConsoleServiceOptions,
  ctx: ConsoleContext,
  kpiHistory: KpiHistoryQuery,
  routingActions: RoutingFeature,
  alerts: AlertsFeature,
  sampling: SamplingFeature,
): RolloutHooks {
  const viaRouting = async (action: RoutingActionName, operator: string, reason: string, share?: number): Promise<ActOutcome> => {
    const owner = (() => {
      try {
        return ctx.operator();
      } catch {
        return null;
      }
    })();
    if (owner === operator) {
      const prepared = await routingActions.handlers['routing:prepare']({ action, ...(share !== undefined ? { share } : {}) });
      return outcomeOf(await routingActions.handlers['routing:execute']({ intentId: prepared.intent.id, reason }));
    }
    return outcomeOf(await routingActions.executeAutomatic({ action, operator, reason, ...(share !== undefined ? { share } : {}) }, { trigger: reason }));
  };
  return {
    setShare: (share, operator, reason) => viaRouting('set_share', operator, reason, share),
    figures: (from, to) => {
      const f = kpiHistory.figures(from, to);
      const { kpis, ...counts } = f.stats;
      const gaps = f.gapMinutes > 0 ? `, ${f.gapMinutes} min touched by stream gaps` : '';
      return { label: `figures over the stage's ${f.minutes} min (${f.observedMinutes} min observed${gaps})`, from: f.from, to: f.to, counts, kpis };
    },
    rules: () =>
      alerts.view().alerts.map((a) => ({
        id: a.rule.id,
        name: a.rule.name,
        severity: a.rule.severity,
        up: a.state.state === 'firing' || a.state.state === 'recovering',
        firedAt: a.state.firedAt ?? null,
      })),
    samples: async (from, to) => {
      const out = [];
      for (const item of await sampling.handlers['sampling:sessions']({})) {
        const detail = await sampling.handlers['sampling:session']({ sessionId: item.id });
        const { range } = detail.stored.session;
        if (range.from >= from && range.to <= to) out.push({ id: item.id, name: item.name, annotated: item.progress.annotated, total: item.progress.total });
      }
      return out;
    },
    rehearsal: rehearsalTarget(options, viaRouting),
  };
}

/** The rehearsal provider's token, kept out of the audit log like the live one's. */
function rehearsalToken(options: ConsoleServiceOptions): string {
  const own = options.config.rehearsal.routing;
  return own ? (options.rehearsalToken ?? process.env[own.tokenEnv] ?? '') : '';
}

/** A rehearsal acts on its own provider when the configuration names one, so it never touches live routing by accident. */
function rehearsalTarget(
  options: ConsoleServiceOptions,
  live: (action: RoutingActionName, operator: string, reason: string) => Promise<ActOutcome>,
): RehearsalTarget {
  const own = options.config.rehearsal.routing;
  if (!own) return { provider: `the live routing provider (${options.config.routing.baseUrl})`, live: true, act: live };
  const provider = routingProviderFor(own, { token: rehearsalToken(options) }, options.config.intents);
  return {
    provider: `the rehearsal provider (${own.baseUrl})`,
    live: false,
    act: async (action, operator, reason) => {
      const req = { action, operator, reason };
      try {
        const before = await provider.getState();
        await provider.applyAction(req, `rehearsal-${randomUUID()}`);
        const after = await provider.getState();
        const holds = expectedStateHolds(req, before, after);
        return { status: holds ? 'verified' : 'unverified', text: holds ? `read back ${after.mode}, ${after.agentShare}% on ${after.agentVersion}` : 'the read-back does not show the change', readBack: after };
      } catch (e) {
        return { status: 'failed', text: (e as Error).message, readBack: null };
      }
    },
  };
}

/** The last hour's figures, worked out once per stream second however often the snapshot asks. */
function lastHourOf(ctx: ConsoleContext): (streamTime: number) => WindowStats {
  let read: { second: number; stats: WindowStats } | null = null;
  return (streamTime) => {
    const second = Math.floor(streamTime / 1000);
    if (read?.second !== second) read = { second, stats: ctx.metrics.snapshot(streamTime).windows[60].overall };
    return read.stats;
  };
}

/** What the launch decision's rows fill in from the console itself. */
function gateInputs(
  options: ConsoleServiceOptions,
  ctx: ConsoleContext,
  cadence: CadenceFeature,
  alerts: AlertsFeature,
  rollout: RolloutFeature,
  lastHour: (streamTime: number) => WindowStats,
): GateInputs {
  const { config } = options;
  const stream = ctx.streamStatus();
  const rehearsals = rollout.rehearsalRecord();
  const window = stream.streamTime === null ? null : lastHour(stream.streamTime);
  return {
    stream: { phase: stream.phase, url: stream.url },
    rules: alerts.view().alerts.map((a) => ({ name: a.rule.name, severity: a.rule.severity, action: a.rule.recommendedAction?.action ?? null })),
    shiftOwner: cadence.currentOwner()?.name ?? null,
    reviewsScheduled: cadence.view().reviews.length,
    runbookSteps: config.runbook.length + Object.values(config.runbooks).reduce((n, steps) => n + (steps?.length ?? 0), 0),
    lastRehearsal: rehearsals.last,
    fallbackTested: rehearsals.fallbackTested,
    performance: window
      ? {
          label: 'the last 60 min of live traffic',
          turnLatencyP95: window.kpis.turnLatencyP95,
          taskCompletion: window.kpis.taskCompletion,
          connected: window.connected,
          agentErrorRate: window.kpis.agentErrorRate,
          calls: window.calls,
        }
      : null,
  };
}

/** Whether a rule breaches on stream data that arrived after `since` and was evaluated since: older figures never decide. */
function ruleStillBreaches(alerts: AlertsFeature, ruleId: string, stream: StreamStatus, since: number): 'breaching' | 'clear' | 'unknown' {
  const view = alerts.view();
  const fresh = stream.phase === 'live' && stream.lastEventAt !== null && stream.lastEventAt >= since;
  if (!fresh || view.evaluatedAt === null || view.evaluatedAt < (stream.lastEventAt ?? Infinity)) return 'unknown';
  const state = view.alerts.find((a) => a.rule.id === ruleId)?.state;
  if (!state) return 'clear';
  if (state.state === 'nodata' || state.state === 'insufficient' || state.value === null) return 'unknown';
  return state.state === 'firing' || state.state === 'pending' ? 'breaching' : 'clear';
}
