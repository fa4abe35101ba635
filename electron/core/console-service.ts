import type { ConsoleSnapshot, RoutingView } from '../../shared/console-state.js';
import type { LaunchConfig } from '../../shared/config.js';
import type { RoutingState } from '../../shared/protocol.js';
import { MetricsAggregator } from './metrics/aggregator.js';
import { StreamClient } from './stream/stream-client.js';

export interface ConsoleServiceOptions {
  config: LaunchConfig;
  streamToken?: string;
  now?: () => number;
  /** How often a snapshot is pushed at most, and at least (so staleness shows without events). */
  pushIntervalMs?: number;
}

type SnapshotListener = (snapshot: ConsoleSnapshot) => void;

/**
 * The console engine both hosts run: stream in, aggregation, routing view, snapshots out.
 * Snapshots are batched: at most one per push interval however fast the stream is.
 */
export class ConsoleService {
  readonly metrics: MetricsAggregator;
  readonly stream: StreamClient;
  private readonly now: () => number;
  private readonly listeners = new Set<SnapshotListener>();
  private timer: NodeJS.Timeout | null = null;
  private routing: RoutingView = { state: null, source: null, observedAt: null, error: null };
  private helloTime: number | null = null;
  private lastDataTime: number | null = null;

  constructor(private readonly options: ConsoleServiceOptions) {
    this.now = options.now ?? Date.now;
    const { config } = options;
    this.metrics = new MetricsAggregator({ intents: config.intents });
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
        },
        metric: (m) => this.metrics.ingestMetric(m),
        routing: (e) => this.observeRouting(e.state, 'stream'),
        gap: () => {
          // The server can no longer replay part of the outage: those minutes stay incomplete.
          if (this.helloTime !== null) this.metrics.markGap(this.lastDataTime ?? this.helloTime, this.helloTime);
        },
      },
    );
  }

  start(): void {
    this.stream.start();
    const interval = this.options.pushIntervalMs ?? 250;
    this.timer = setInterval(() => this.push(), interval);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stream.stop();
  }

  onSnapshot(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  observeRouting(state: RoutingState, source: 'stream' | 'provider'): void {
    const current = this.routing.state;
    // Stream and provider may report out of order; the provider's version number decides.
    if (current && state.version < current.version) return;
    this.routing = { state, source, observedAt: this.now(), error: null };
  }

  routingError(message: string): void {
    this.routing = { ...this.routing, error: message };
  }

  snapshot(): ConsoleSnapshot {
    const stream = this.stream.status();
    return {
      launchName: this.options.config.launchName,
      intents: this.options.config.intents,
      stream,
      metrics: stream.streamTime === null ? null : this.metrics.snapshot(stream.streamTime),
      routing: { ...this.routing },
      generatedAt: this.now(),
    };
  }

  private push(): void {
    if (this.listeners.size === 0) return;
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap);
  }
}
