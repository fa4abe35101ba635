import type { z } from 'zod';
import type { BRIDGE_REQUESTS, BridgeChannel, BridgeResponses, ConsolePush } from '../../../shared/bridge.js';
import type { AuditAppend } from '../../../shared/audit.js';
import type { LaunchConfig } from '../../../shared/config.js';
import type { RoutingView, StreamStatus } from '../../../shared/console-state.js';
import type { MetricsSnapshot } from '../../../shared/kpi.js';
import type { CallRecord, RoutingState } from '../../../shared/protocol.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { MetricsAggregator } from '../metrics/aggregator.js';
import type { LaunchStorage } from '../storage/ports.js';

/** One bridge channel's handler: gets the request already validated against its schema. */
export type Handler<C extends BridgeChannel> = (
  request: z.output<(typeof BRIDGE_REQUESTS)[C]>,
) => Promise<BridgeResponses[C]> | BridgeResponses[C];
export type Handlers = { [C in BridgeChannel]: Handler<C> };

/** What the console engine lends each feature: shared state and the ways to act on it. */
export interface ConsoleContext {
  config: LaunchConfig;
  /** Where every record of the launch is kept: files on one machine, a database for a team. */
  storage: LaunchStorage;
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
  /**
   * Reports a write that failed where no operator request was waiting for it (a tick, a stream
   * event): the operator is told at once, since something they rely on was not kept.
   */
  storageFailed(what: string, error: unknown): void;
  /** Appends an entry nobody waits for (an evaluation, a countdown); a failure is reported like any storage failure. */
  auditInBackground(entry: AuditAppend): void;
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
  /** Resolves once everything the feature had asked storage to keep is written. */
  close?(): Promise<void>;
}
