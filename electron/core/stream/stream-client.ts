import { io, type Socket } from 'socket.io-client';
import {
  describeZodError,
  STREAM_EVENTS,
  STREAM_NAMESPACE,
  type CallRecord,
  type GapEvent,
  type HelloEvent,
  type MetricEvent,
  type RoutingEvent,
  type StreamEventName,
} from '../../../shared/protocol.js';
import type { ConnectionPhase, StreamStatus } from '../../../shared/console-state.js';

export interface StreamHandlers {
  hello?(event: HelloEvent): void;
  call?(call: CallRecord, seq: number): void;
  metric?(event: MetricEvent): void;
  routing?(event: RoutingEvent): void;
  gap?(event: GapEvent): void;
}

export interface StreamClientOptions {
  url: string;
  token?: string;
  /** Resume point: the newest seq already processed (e.g. after a restart). */
  since?: number;
  staleAfterMs?: number;
  now?: () => number;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

const MAX_GAPS_KEPT = 20;

/**
 * The console's side of stream protocol v1. Every event is validated; a bad event is counted
 * and described, never thrown. Reconnects with backoff and resumes with `since` = the newest
 * seq seen, and drops any event at or below it, so no call is lost or counted twice.
 */
export class StreamClient {
  private socket: Socket | null = null;
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  private lastSeq: number;
  private lastEventAt: number | null = null;
  private streamTime: number | null = null;
  private connected = false;
  private everConnected = false;
  private reconnects = 0;
  private launchId: string | null = null;
  private lastError: string | null = null;
  private duplicates = 0;
  private rejected = { count: 0, lastReason: null as string | null, lastAt: null as number | null };
  private gaps: { from: number; to: number }[] = [];

  constructor(
    private readonly options: StreamClientOptions,
    private readonly handlers: StreamHandlers,
  ) {
    this.now = options.now ?? Date.now;
    this.staleAfterMs = options.staleAfterMs ?? 5000;
    this.lastSeq = options.since ?? 0;
  }

  start(): void {
    if (this.socket) return;
    const base = this.options.url.replace(/\/+$/, '');
    const socket = io(`${base}${STREAM_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: this.options.reconnectDelayMs ?? 500,
      reconnectionDelayMax: this.options.reconnectDelayMaxMs ?? 5000,
      randomizationFactor: 0.5,
      timeout: 5000,
      // Called on every (re)connect, so the server always replays from the newest seq we hold.
      auth: (cb) => cb({ token: this.options.token, since: this.lastSeq }),
    });
    this.socket = socket;

    socket.on('connect', () => {
      if (this.everConnected) this.reconnects += 1;
      this.everConnected = true;
      this.connected = true;
      this.lastError = null;
    });
    socket.on('disconnect', (reason) => {
      this.connected = false;
      this.lastError = `disconnected: ${reason}`;
      // A server-side disconnect is not retried by socket.io on its own.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err: Error) => {
      this.connected = false;
      this.lastError = `cannot connect to ${base}: ${err.message}`;
    });

    this.listen('hello', (e) => {
      // A restarted or different stream numbers its events afresh: the seq held here belongs to
      // another run, and keeping it would drop every new call as "already seen" while the
      // heartbeats keep the screen looking live. The server starts such a client from now.
      const otherRun = this.launchId !== null && this.launchId !== e.launchId;
      if (otherRun || e.seq < this.lastSeq) this.lastSeq = e.seq;
      this.launchId = e.launchId;
      this.observeTime(e.serverTime);
      this.handlers.hello?.(e);
    });
    this.listen('call', (e) => {
      if (!this.acceptSeq(e.seq)) return;
      this.observeTime(e.call.endedAt);
      this.handlers.call?.(e.call, e.seq);
    });
    this.listen('metric', (e) => {
      if (!this.acceptSeq(e.seq)) return;
      this.observeTime(e.ts);
      this.handlers.metric?.(e);
    });
    this.listen('routing', (e) => {
      if (!this.acceptSeq(e.seq)) return;
      this.observeTime(e.ts);
      this.handlers.routing?.(e);
    });
    this.listen('heartbeat', (e) => {
      this.observeTime(e.ts);
    });
    this.listen('gap', (e) => {
      this.gaps.push({ from: e.from, to: e.to });
      if (this.gaps.length > MAX_GAPS_KEPT) this.gaps.shift();
      this.handlers.gap?.(e);
    });
  }

  stop(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.connected = false;
  }

  /** Drops the connection as a network failure would; the client reconnects on its own. */
  simulateNetworkDrop(): void {
    this.socket?.io.engine?.close();
  }

  get newestSeq(): number {
    return this.lastSeq;
  }

  get duplicatesDropped(): number {
    return this.duplicates;
  }

  status(): StreamStatus {
    const now = this.now();
    const dataAgeMs = this.lastEventAt === null ? null : Math.max(0, now - this.lastEventAt);
    return {
      phase: this.phase(dataAgeMs),
      url: this.options.url,
      dataAgeMs,
      lastEventAt: this.lastEventAt,
      streamTime: this.streamTime,
      seq: this.lastSeq,
      reconnects: this.reconnects,
      launchId: this.launchId,
      rejected: { ...this.rejected },
      gaps: [...this.gaps],
      lastError: this.lastError,
    };
  }

  private phase(dataAgeMs: number | null): ConnectionPhase {
    if (!this.connected) return this.everConnected ? 'reconnecting' : this.lastError ? 'disconnected' : 'connecting';
    if (dataAgeMs === null || dataAgeMs > this.staleAfterMs) return 'stale';
    return 'live';
  }

  private listen<N extends StreamEventName>(
    name: N,
    handle: (payload: import('zod').infer<(typeof STREAM_EVENTS)[N]>) => void,
  ): void {
    this.socket?.on(name as string, (raw: unknown) => {
      const parsed = STREAM_EVENTS[name].safeParse(raw);
      if (!parsed.success) {
        this.rejected.count += 1;
        this.rejected.lastReason = `${name}: ${describeZodError(parsed.error)}`;
        this.rejected.lastAt = this.now();
        return;
      }
      // Only valid events count as data: a stream sending nothing but rejects goes stale.
      this.lastEventAt = this.now();
      handle(parsed.data as import('zod').infer<(typeof STREAM_EVENTS)[N]>);
    });
  }

  private acceptSeq(seq: number): boolean {
    if (seq <= this.lastSeq) {
      this.duplicates += 1;
      return false;
    }
    this.lastSeq = seq;
    return true;
  }

  private observeTime(iso: string): void {
    const t = Date.parse(iso);
    if (this.streamTime === null || t > this.streamTime) this.streamTime = t;
  }
}
