import type { MetricsSnapshot } from './kpi.js';
import type { RoutingState } from './protocol.js';

/** What the core pushes to the renderer, a few times a second at most. */

export type ConnectionPhase = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'disconnected';

export interface StreamStatus {
  phase: ConnectionPhase;
  url: string;
  /** Wall-clock ms since the last event of any kind (heartbeats included); null before the first. */
  dataAgeMs: number | null;
  lastEventAt: number | null;
  /** Stream time (the platform's clock), epoch ms. */
  streamTime: number | null;
  seq: number;
  reconnects: number;
  launchId: string | null;
  rejected: { count: number; lastReason: string | null; lastAt: number | null };
  /** Seq ranges the server could no longer replay. */
  gaps: { from: number; to: number }[];
  lastError: string | null;
}

export interface RoutingView {
  state: RoutingState | null;
  /** Where the figure came from and when: the stream's routing event or a provider read. */
  source: 'stream' | 'provider' | null;
  observedAt: number | null;
  error: string | null;
}

export interface ConsoleSnapshot {
  launchName: string;
  intents: string[];
  stream: StreamStatus;
  metrics: MetricsSnapshot | null;
  routing: RoutingView;
  generatedAt: number;
}
