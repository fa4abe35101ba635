import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { PROTOCOL_VERSION, STREAM_NAMESPACE, StreamAuthSchema, type CallRecord } from '../../../shared/protocol.js';
import { callRecord } from '../../support/call-record.js';

/** What one connection of the hostile stream sends; each helper emits one event as is, unchecked. */
export interface HostileConnection {
  /** The client's handshake: `since` is the seq it resumes from. */
  since: number | undefined;
  /** Which connection this is, from 1. */
  index: number;
  hello(seq: number, serverTime: string, launchId?: string): void;
  call(seq: number, over?: Partial<CallRecord> & Record<string, unknown>): void;
  heartbeat(seq: number, ts: string): void;
  metric(seq: number, ts: string, name?: string, value?: number): void;
  gap(from: number, to: number): void;
  raw(event: string, payload: unknown): void;
}

export interface HostileStream {
  url: string;
  /** Every handshake so far, in order: how a test sees the client ask for a resume. */
  connections: { since: number | undefined }[];
  /** The open connection, to send more after the first script ran. */
  current(): HostileConnection | null;
  close(): Promise<void>;
}

/**
 * A real socket.io server on loopback speaking stream protocol v1 the way a broken or hostile
 * platform might: on each connection it runs the test's script, which sends whatever the test
 * says (absurd timestamps, seq jumps, holes, duplicates, oversized fields), nothing more.
 */
export async function hostileStream(script: (conn: HostileConnection) => void): Promise<HostileStream> {
  const http = createServer();
  const io = new Server(http, { maxHttpBufferSize: 64e6 });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const connections: { since: number | undefined }[] = [];
  let open: HostileConnection | null = null;
  io.of(STREAM_NAMESPACE).on('connection', (socket: Socket) => {
    const auth = StreamAuthSchema.safeParse(socket.handshake.auth ?? {});
    const since = auth.success ? auth.data.since : undefined;
    connections.push({ since });
    const conn = connection(socket, since, connections.length);
    open = conn;
    socket.on('disconnect', () => {
      if (open === conn) open = null;
    });
    script(conn);
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    current: () => open,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

function connection(socket: Socket, since: number | undefined, index: number): HostileConnection {
  return {
    since,
    index,
    hello: (seq, serverTime, launchId = 'hostile-run') =>
      socket.emit('hello', { protocol: PROTOCOL_VERSION, launchId, agentVersion: 'v2.0.0', serverTime, seq }),
    call: (seq, over = {}) => {
      const at = typeof over.endedAt === 'string' ? over.endedAt : '2026-04-01T08:00:00.000Z';
      socket.emit('call', { seq, call: callRecord({ id: `call-${seq}`, startedAt: at, endedAt: at, ...over }) });
    },
    heartbeat: (seq, ts) => socket.emit('heartbeat', { seq, ts }),
    metric: (seq, ts, name = 'calls.active', value = 1) => socket.emit('metric', { seq, ts, name, value }),
    gap: (from, to) => socket.emit('gap', { from, to }),
    raw: (event, payload) => socket.emit(event, payload),
  };
}
