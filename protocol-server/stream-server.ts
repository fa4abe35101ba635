import type { Namespace, Socket } from 'socket.io';
import {
  PROTOCOL_VERSION,
  StreamAuthSchema,
  describeZodError,
  type GapEvent,
  type HeartbeatEvent,
  type HelloEvent,
} from '../shared/protocol.js';
import type { LoggedEvent } from './event-log.js';
import { sameSecret } from './secret.js';

/**
 * Stream protocol v1 on a socket.io namespace. Each client has a cursor into the event log;
 * live delivery and resume-with-`since` are the same step (send what lies past the cursor), so
 * a client can neither miss nor repeat an event, and a paused stream simply stops advancing
 * cursors until it resumes.
 */

/** What the stream reads: the simulator's in-memory EventLog, or the relay's durable one. */
export interface StreamLog {
  readonly newestSeq: number;
  /** The oldest seq still held; newestSeq + 1 while the log is empty. */
  readonly oldestSeq: number;
  /** Held events with seq > `after`, oldest first. */
  after(after: number): Iterable<LoggedEvent>;
}

export interface StreamServerOptions {
  log: StreamLog;
  /** When set, connections must present it as `auth.token`. */
  token?: string;
  /** The hello a client gets on connecting (seq is filled in). */
  hello(): { launchId: string; agentVersion: string; serverTime: string };
  /** Simulated epoch ms, for heartbeats. */
  now(): number;
  /** More a heartbeat carries beside its ts and seq (the relay's per-platform delivery times). */
  heartbeatExtra?(): Omit<HeartbeatEvent, 'ts' | 'seq'>;
}

interface Client {
  socket: Socket;
  since: number | undefined;
  /** The newest seq sent to this client; null until it has had its hello. */
  cursor: number | null;
}

export class StreamServer {
  private readonly clients = new Map<string, Client>();
  private paused = false;

  constructor(
    nsp: Namespace,
    private readonly options: StreamServerOptions,
  ) {
    nsp.use((socket, next) => {
      const auth = StreamAuthSchema.safeParse(socket.handshake.auth ?? {});
      if (!auth.success) return next(new Error(`bad auth: ${describeZodError(auth.error)}`));
      const expected = options.token;
      if (expected !== undefined && !sameSecret(auth.data.token ?? '', expected)) return next(new Error('unauthorized'));
      socket.data = { since: auth.data.since };
      return next();
    });
    nsp.on('connection', (socket) => {
      const since = (socket.data as { since?: number }).since;
      const client: Client = { socket, since, cursor: null };
      this.clients.set(socket.id, client);
      socket.on('disconnect', () => this.clients.delete(socket.id));
      if (!this.paused) this.flushClient(client);
    });
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Sends every client what the log holds past its cursor. */
  flush(): void {
    if (this.paused) return;
    for (const client of this.clients.values()) this.flushClient(client);
  }

  heartbeat(): void {
    if (this.paused) return;
    this.flush();
    const beat: HeartbeatEvent = {
      ...this.options.heartbeatExtra?.(),
      ts: new Date(this.options.now()).toISOString(),
      seq: this.options.log.newestSeq,
    };
    for (const client of this.clients.values()) client.socket.emit('heartbeat', beat);
  }

  /** Stops all sending, heartbeats included, while clients stay connected. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.flush();
  }

  /** Closes every client's connection as a network failure would, so clients reconnect on their own. */
  dropConnections(): void {
    for (const client of this.clients.values()) client.socket.conn.close();
  }

  private flushClient(client: Client): void {
    const log = this.options.log;
    if (client.cursor === null) {
      const hello: HelloEvent = { ...this.options.hello(), protocol: PROTOCOL_VERSION, seq: log.newestSeq };
      client.socket.emit('hello', hello);
      // A `since` ahead of the log belongs to another run; such a client starts from now.
      const since = client.since;
      client.cursor = since === undefined || since > log.newestSeq ? log.newestSeq : since;
    }
    if (client.cursor < log.oldestSeq - 1) {
      const gap: GapEvent = { from: client.cursor + 1, to: log.oldestSeq - 1 };
      client.socket.emit('gap', gap);
      client.cursor = gap.to;
    }
    for (const event of log.after(client.cursor)) {
      client.socket.emit(event.name, event.payload);
      client.cursor = event.payload.seq;
    }
  }
}
