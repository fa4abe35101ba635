import { io, type Socket } from 'socket.io-client';
import {
  describeZodError,
  parseCallEvent,
  STREAM_EVENTS,
  STREAM_NAMESPACE,
  type CallRecord,
  type HeartbeatEvent,
  type HelloEvent,
  type MetricEvent,
  type RoutingEvent,
  type StreamEventName,
} from '../../../shared/protocol.js';
import type { ConnectionPhase, QuietPlatform, StreamStatus } from '../../../shared/console-state.js';
import { EventGate, type LostRange, type Verdict } from './event-gate.js';

export interface StreamHandlers {
  hello?(event: HelloEvent): void;
  call?(call: CallRecord, seq: number): void;
  metric?(event: MetricEvent): void;
  routing?(event: RoutingEvent): void;
  /** Seqs that will never arrive, and the stream time they fall in: those windows are incomplete. */
  lost?(range: LostRange): void;
}

export interface StreamClientOptions {
  url: string;
  token?: string;
  /** Resume point: the newest seq already processed (e.g. after a restart). */
  since?: number;
  staleAfterMs?: number;
  /** How far before the hello's serverTime an event may be dated (default 48 h). */
  acceptPastMs?: number;
  /** How far past the platform's clock an event may be dated (default 2 min). */
  acceptFutureMs?: number;
  now?: () => number;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

export const DEFAULT_ACCEPT_PAST_MS = 48 * 3_600_000;
export const DEFAULT_ACCEPT_FUTURE_MS = 2 * 60_000;
/** A resume costs a reconnect; a server answering every resume with another hole gets one a second at most. */
const RESUME_MIN_INTERVAL_MS = 1000;

/**
 * The console's side of stream protocol v1. Every event is validated and passed through the
 * EventGate (platform time window, seq order); a refused event is counted and described, never
 * thrown, and a handler's failure is reported the same way rather than ending the process.
 * Reconnects with backoff and resumes with `since` = the newest seq held.
 */
export class StreamClient {
  private socket: Socket | null = null;
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  private readonly gate: EventGate;
  private lastEventAt: number | null = null;
  private lastResumeAt = -Infinity;
  private deliveries: { beatAt: number; serverTime: number; firstServerTime: number; platforms: NonNullable<HeartbeatEvent['platforms']> } | null = null;
  private connected = false;
  private everConnected = false;
  private reconnects = 0;
  private lastError: string | null = null;
  /** Wall clock of the newest call counted and the newest refused (a replayed duplicate is neither). */
  private lastCallCountedAt: number | null = null;
  private lastCallRefused: { at: number; reason: string } | null = null;

  constructor(
    private readonly options: StreamClientOptions,
    private readonly handlers: StreamHandlers,
  ) {
    this.now = options.now ?? Date.now;
    this.staleAfterMs = options.staleAfterMs ?? 5000;
    this.gate = new EventGate({
      acceptPastMs: options.acceptPastMs ?? DEFAULT_ACCEPT_PAST_MS,
      acceptFutureMs: options.acceptFutureMs ?? DEFAULT_ACCEPT_FUTURE_MS,
      now: this.now,
      since: options.since,
    });
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
      auth: (cb) => cb({ token: this.options.token, since: this.gate.lastSeq }),
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
      this.lastError ??= `disconnected: ${reason}`;
      // A server-side disconnect is not retried by socket.io on its own.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err: Error) => {
      this.connected = false;
      this.lastError = `cannot connect to ${base}: ${err.message}`;
    });

    this.listen('hello', (e) => {
      this.gate.hello(e);
      this.lastEventAt = this.now();
      this.handlers.hello?.(e);
    });
    this.listen('call', (e) => {
      const { call } = e;
      const verdict = this.gate.sequenced(`call ${call.id}`, e.seq, [
        ['startedAt', Date.parse(call.startedAt)],
        ['endedAt', Date.parse(call.endedAt)],
      ]);
      if (this.admit(verdict)) {
        this.lastCallCountedAt = this.now();
        this.handlers.call?.(call, e.seq);
      } else if (!verdict.accept && verdict.kind !== 'duplicate' && verdict.kind !== 'resume') {
        this.lastCallRefused = { at: this.now(), reason: verdict.reason };
      }
    });
    this.listen('metric', (e) => {
      if (this.admit(this.gate.sequenced(`metric ${e.name}`, e.seq, [['ts', Date.parse(e.ts)]]))) this.handlers.metric?.(e);
    });
    this.listen('routing', (e) => {
      if (this.admit(this.gate.sequenced('routing', e.seq, [['ts', Date.parse(e.ts)]]))) this.handlers.routing?.(e);
    });
    this.listen('heartbeat', (e) => {
      if (this.admit(this.gate.heartbeat(e)) && e.platforms) this.noteDeliveries(e.ts, e.platforms);
    });
    this.listen('gap', (e) => {
      this.admit(this.gate.gap(e));
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
    return this.gate.lastSeq;
  }

  status(): StreamStatus {
    const now = this.now();
    const dataAgeMs = this.lastEventAt === null ? null : Math.max(0, now - this.lastEventAt);
    const { counts } = this.gate;
    return {
      phase: this.phase(dataAgeMs),
      url: this.options.url,
      dataAgeMs,
      lastEventAt: this.lastEventAt,
      streamTime: this.gate.streamTime,
      seq: this.gate.lastSeq,
      reconnects: this.reconnects,
      launchId: this.gate.launchId,
      rejected: { ...counts.rejected },
      late: { ...counts.late },
      future: { ...counts.future },
      duplicates: { ...counts.duplicate },
      gaps: this.gate.gaps,
      lastError: this.refusingEveryCall() ? `calls are arriving but none is counted; last refused: ${this.lastCallRefused?.reason ?? ''}` : this.lastError,
      quietPlatforms: this.quietPlatforms(now),
    };
  }

  private noteDeliveries(ts: string, platforms: NonNullable<HeartbeatEvent['platforms']>): void {
    const serverTime = Date.parse(ts);
    this.deliveries = { beatAt: this.now(), serverTime, firstServerTime: this.deliveries?.firstServerTime ?? serverTime, platforms };
  }

  /** Measured on the relay's own clock, so a skewed console clock cannot make a platform look quiet. */
  private quietPlatforms(now: number): QuietPlatform[] {
    const d = this.deliveries;
    if (!d) return [];
    const relayNow = d.serverTime + Math.max(0, now - d.beatAt);
    return Object.entries(d.platforms).flatMap(([platform, p]) => {
      const last = p.lastWebhookAt === null ? null : Date.parse(p.lastWebhookAt);
      const quietForMs = Math.max(0, relayNow - (last ?? d.firstServerTime));
      return quietForMs > p.quietAfterSec * 1000 ? [{ platform, lastWebhookAt: last, quietForMs }] : [];
    });
  }

  private phase(dataAgeMs: number | null): ConnectionPhase {
    if (!this.connected) return this.everConnected ? 'reconnecting' : this.lastError ? 'disconnected' : 'connecting';
    if (dataAgeMs === null || dataAgeMs > this.staleAfterMs) return 'stale';
    if (this.refusingEveryCall()) return 'stale';
    return 'live';
  }

  /**
   * Calls keep arriving but none has been counted for longer than the stale limit: heartbeats
   * alone would keep the badge green over figures that no longer move, so the screen says stale.
   */
  private refusingEveryCall(): boolean {
    const refused = this.lastCallRefused;
    if (!refused || (this.lastCallCountedAt !== null && this.lastCallCountedAt >= refused.at)) return false;
    return this.now() - (this.lastCallCountedAt ?? 0) > this.staleAfterMs && this.now() - refused.at <= this.staleAfterMs;
  }

  /** Whether the event goes on to the handlers; only accepted events keep the data age fresh. */
  private admit(verdict: Verdict): boolean {
    if (!verdict.accept) {
      if (verdict.kind === 'resume') this.resume(verdict.reason);
      return false;
    }
    this.lastEventAt = this.now();
    if (verdict.lost) this.handlers.lost?.(verdict.lost);
    return true;
  }

  /** Reconnects, so the server replays from the newest seq held (the auth callback sends it). */
  private resume(reason: string): void {
    const socket = this.socket;
    if (!socket || this.now() - this.lastResumeAt < RESUME_MIN_INTERVAL_MS) return;
    this.lastResumeAt = this.now();
    this.lastError = `resuming from seq ${this.gate.lastSeq}: ${reason}`;
    socket.disconnect();
    socket.connect();
  }

  private listen<N extends StreamEventName>(
    name: N,
    handle: (payload: import('zod').infer<(typeof STREAM_EVENTS)[N]>) => void,
  ): void {
    this.socket?.on(name as string, (raw: unknown) => {
      const parsed = name === 'call' ? parseCallEvent(raw) : STREAM_EVENTS[name].safeParse(raw);
      if (!parsed.success) {
        const seq = typeof raw === 'object' && raw !== null ? (raw as { seq?: unknown }).seq : undefined;
        const reason = describeZodError(parsed.error);
        this.gate.invalid(name, name === 'heartbeat' ? undefined : seq, reason);
        if (name === 'call') this.lastCallRefused = { at: this.now(), reason };
        return;
      }
      try {
        handle(parsed.data as import('zod').infer<(typeof STREAM_EVENTS)[N]>);
      } catch (e) {
        // One event the console cannot take must not end the process and blind every screen.
        this.gate.invalid(name, undefined, `could not be processed: ${(e as Error).message}`);
      }
    });
  }
}
