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
  /** A slice of a long catch-up is queued for the next turn of the event loop. */
  continuing: boolean;
}

const CATCH_UP_SLICE = 1000;

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
      const client: Client = { socket, since, cursor: null, continuing: false };
      this.clients.set(socket.id, client);
      socket.on('disconnect', () => this.clients.delete(socket.id));
      if (!this.paused) this.flushClient(client, CATCH_UP_SLICE);
    });
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Sends every client what the log holds past its cursor. */
  flush(): void {
    if (this.paused) return;
    for (const client of this.clients.values()) if (!client.continuing) this.flushClient(client);
  }

  heartbeat(): void {
    if (this.paused) return;
    this.flush();
    const beat: HeartbeatEvent = {
      ...this.options.heartbeatExtra?.(),
      ts: new Date(this.options.now()).toISOString(),
      seq: this.options.log.newestSeq,
    };
    // A client still catching up would read the newest seq as events gone missing and resume.
    for (const client of this.clients.values()) if (client.cursor === beat.seq) client.socket.emit('heartbeat', beat);
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

  /** Sends the client what lies past its cursor, at most `slice` events now and the rest later. */
  private flushClient(client: Client, slice = Infinity): void {
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
    let sent = 0;
    for (const event of log.after(client.cursor)) {
      if (sent === slice) {
        this.continueLater(client);
        return;
      }
      client.socket.emit(event.name, event.payload);
      client.cursor = event.payload.seq;
      sent += 1;
    }
  }

  /**
   * A console that connects to a long buffer catches up in slices, each after the event loop has
   * turned: the frames already queued go out, and other clients, webhooks and heartbeats are
   * served meanwhile instead of waiting for 100,000 events to be queued at once. Clients that are
   * caught up get new events at once and whole, as before.
   */
  private continueLater(client: Client): void {
    if (client.continuing) return;
    client.continuing = true;
    setImmediate(() => {
      client.continuing = false;
      if (!this.paused && this.clients.get(client.socket.id) === client) this.flushClient(client, CATCH_UP_SLICE);
    });
  }
}
