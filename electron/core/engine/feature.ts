import type { z } from 'zod';
import type { BRIDGE_REQUESTS, BridgeChannel, BridgeResponses, ConsolePush } from '../../../shared/bridge.js';
import type { LaunchConfig } from '../../../shared/config.js';
import type { RoutingView, StreamStatus } from '../../../shared/console-state.js';
import type { MetricsSnapshot } from '../../../shared/kpi.js';
import type { CallRecord, RoutingState } from '../../../shared/protocol.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { MetricsAggregator } from '../metrics/aggregator.js';

/** One bridge channel's handler: gets the request already validated against its schema. */
export type Handler<C extends BridgeChannel> = (
  request: z.output<(typeof BRIDGE_REQUESTS)[C]>,
) => Promise<BridgeResponses[C]> | BridgeResponses[C];
export type Handlers = { [C in BridgeChannel]: Handler<C> };

/** What the console engine lends each feature: shared state and the ways to act on it. */
export interface ConsoleContext {
  config: LaunchConfig;
  dataDir: string;
  /** Wall clock, epoch ms. Stream time is in the metrics snapshot. */
  now: () => number;
  /**
   * The launch's own clock: the stream's time carried forward by the wall clock since the last
   * event (equal to the wall clock on a real launch, faster on an accelerated simulator), and
   * still running while the stream is down. Null before the first event.
   */
  launchNow(): number | null;
  metrics: MetricsAggregator;
  audit: AuditLog;
  streamStatus(): StreamStatus;
  routingView(): RoutingView;
  observeRouting(state: RoutingState, source: 'stream' | 'provider'): void;
  routingError(message: string): void;
  /** The current shift owner's name; throws a plain message when nobody owns the shift. */
  operator(): string;
  push(push: ConsolePush): void;
}

/** The input each feature sees on every tick of the engine (a few times a second). */
export interface Tick {
  now: number;
  metrics: MetricsSnapshot | null;
  stream: StreamStatus;
}

export interface Feature {
  onCall?(call: CallRecord): void;
  tick?(tick: Tick): void;
  close?(): void;
}
