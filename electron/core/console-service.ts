import { join } from 'node:path';
import type { ConsolePush } from '../../shared/bridge.js';
import type { LaunchConfig } from '../../shared/config.js';
import type { ConsoleSnapshot, RoutingView } from '../../shared/console-state.js';
import type { RoutingState } from '../../shared/protocol.js';
import { auditHandlers } from './audit/audit-handlers.js';
import { AuditLog } from './audit/audit-log.js';
import { AlertsFeature } from './alerts/alerts-feature.js';
import { CadenceFeature } from './cadence/cadence-feature.js';
import type { ConsoleContext, Feature, Handlers } from './engine/feature.js';
import { RoutingFeature } from './routing/routing-feature.js';
import { SamplingFeature } from './sampling/sampling-feature.js';
import { MetricsAggregator } from './metrics/aggregator.js';
import { confSettings } from './storage/conf-settings.js';
import type { SettingsStore } from './storage/settings-store.js';
import { HttpRoutingProvider, type RoutingProvider } from './routing/provider.js';
import { StreamClient } from './stream/stream-client.js';

export interface ConsoleServiceOptions {
  config: LaunchConfig;
  dataDir: string;
  streamToken?: string;
  routingToken?: string;
  /** Another provider adapter than the HTTP one of the configuration. */
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
  /** Where T0 is kept: electron-store in the desktop app; by default conf in dataDir. */
  settings?: SettingsStore;
}

type PushListener = (push: ConsolePush) => void;

/**
 * The console engine both hosts run: stream in, aggregation, features (routing actions, alerts,
 * review cadence, sampling), snapshots out. Snapshots are batched: one per tick however fast the
 * stream is.
 */
export class ConsoleService {
  readonly metrics: MetricsAggregator;
  readonly stream: StreamClient;
  readonly audit: AuditLog;
  readonly routingActions: RoutingFeature;
  readonly alerts: AlertsFeature;
  readonly cadence: CadenceFeature;
  readonly sampling: SamplingFeature;
  readonly handlers: Handlers;
  private readonly features: Feature[];
  private readonly now: () => number;
  private readonly listeners = new Set<PushListener>();
  private timer: NodeJS.Timeout | null = null;
  private routing: RoutingView = { state: null, source: null, observedAt: null, error: null };
  private helloTime: number | null = null;
  private lastDataTime: number | null = null;

  constructor(private readonly options: ConsoleServiceOptions) {
    this.now = options.now ?? Date.now;
    const { config } = options;
    this.metrics = new MetricsAggregator({ intents: config.intents, handoffIntents: config.handoffIntents });
    this.audit = new AuditLog(join(options.dataDir, 'audit.jsonl'), {
      secrets: [options.routingToken ?? '', options.streamToken ?? ''],
      now: this.now,
    });
    this.stream = new StreamClient(
      {
        url: config.stream.url,
        token: options.streamToken,
        staleAfterMs: config.stream.staleAfterSec * 1000,
        now: this.now,
      },
      {
        hello: (e) => {
          this.helloTime = Date.parse(e.serverTime);
        },
        call: (call) => {
          this.lastDataTime = Math.max(this.lastDataTime ?? 0, Date.parse(call.endedAt));
          this.metrics.ingestCall(call);
          for (const f of this.features) f.onCall?.(call);
        },
        metric: (m) => this.metrics.ingestMetric(m),
        routing: (e) => this.observeRouting(e.state, 'stream'),
        gap: () => {
          // The server can no longer replay part of the outage: those minutes stay incomplete.
          if (this.helloTime !== null) this.metrics.markGap(this.lastDataTime ?? this.helloTime, this.helloTime);
        },
      },
    );

    const ctx: ConsoleContext = {
      config,
      dataDir: options.dataDir,
      now: this.now,
      launchNow: () => {
        const { streamTime, lastEventAt } = this.stream.status();
        if (streamTime === null || lastEventAt === null) return null;
        return streamTime + Math.max(0, this.now() - lastEventAt);
      },
      metrics: this.metrics,
      audit: this.audit,
      streamStatus: () => this.stream.status(),
      routingView: () => ({ ...this.routing }),
      observeRouting: (state, source) => this.observeRouting(state, source),
      routingError: (message) => {
        this.routing = { ...this.routing, error: message };
      },
      operator: () => {
        const owner = this.cadence.currentOwner();
        if (!owner) throw new Error('Nobody owns the shift yet: set the shift owner first, so the action is stamped with a name.');
        return owner.name;
      },
      push: (push) => this.emit(push),
    };
    const provider =
      options.provider ??
      new HttpRoutingProvider({
        baseUrl: config.routing.baseUrl,
        token: options.routingToken ?? '',
        timeoutMs: config.routing.timeoutMs,
      });
    this.cadence = new CadenceFeature(ctx, {
      settings: options.settings ?? confSettings(options.dataDir),
      alertHistory: () => this.alerts.view().log,
    });
    this.routingActions = new RoutingFeature(ctx, provider);
    this.alerts = new AlertsFeature(ctx, (req, options) => this.routingActions.executeAutomatic(req, options));
    this.sampling = new SamplingFeature(ctx);
    this.features = [this.cadence, this.routingActions, this.alerts, this.sampling];
    this.handlers = {
      'console:snapshot': () => this.snapshot(),
      ...this.cadence.handlers,
      ...this.routingActions.handlers,
      ...auditHandlers(this.audit, config.launchName, this.now),
      ...this.alerts.handlers,
      ...this.sampling.handlers,
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

  start(): void {
    this.stream.start();
    this.timer = setInterval(() => this.tick(), this.options.pushIntervalMs ?? 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stream.stop();
    for (const f of this.features) f.close?.();
    this.audit.close();
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
      hasRunbook: this.options.config.runbook.length > 0,
      generatedAt: this.now(),
    };
  }

  /** One engine step: features see the same figures the renderer is about to get. */
  tick(): void {
    const snap = this.snapshot();
    for (const f of this.features) f.tick?.({ now: snap.generatedAt, metrics: snap.metrics, stream: snap.stream });
    if (this.listeners.size > 0) this.emit({ kind: 'snapshot', snapshot: this.snapshot() });
  }

  private emit(push: ConsolePush): void {
    for (const l of this.listeners) l(push);
  }
}
