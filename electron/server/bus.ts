import pg from 'pg';
import { z } from 'zod';

const CHANNEL = 'launch_console';
const RECONNECT_MS = 1000;
/** NOTIFY carries at most 8000 bytes; anything bigger travels in a table and the notice names it. */
export const NOTICE_LIMIT = 7900;

export const BusMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), seq: z.number() }),
  z.object({ kind: z.literal('push'), push: z.unknown() }),
  z.object({ kind: z.literal('request'), id: z.string() }),
  z.object({ kind: z.literal('result'), id: z.string(), to: z.string() }),
  z.object({ kind: z.literal('audit') }),
]);
export type BusMessage = z.infer<typeof BusMessageSchema>;
type Envelope = BusMessage & { launch: string; from: string };

export interface DatabaseHealth {
  reachable: boolean;
  since: number | null;
  problem: string | null;
}

/**
 * How the instances of one launch's console server hear one another: PostgreSQL's LISTEN/NOTIFY
 * on one channel, each notice naming its launch and sender. The listening connection is also how
 * an instance knows whether the database can be reached; it reconnects on its own.
 */
export class Bus {
  private client: pg.Client | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  health: DatabaseHealth = { reachable: false, since: null, problem: 'not connected yet' };

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly launchId: string,
    readonly instanceId: string,
    private readonly onMessage: (message: BusMessage, from: string) => void,
    private readonly onHealth: (health: DatabaseHealth) => void,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }

  /** Tells every instance of the launch, this one included. Fails when the database cannot be reached. */
  async publish(message: BusMessage): Promise<void> {
    const text = JSON.stringify({ ...message, launch: this.launchId, from: this.instanceId });
    if (Buffer.byteLength(text) > NOTICE_LIMIT) throw new Error(`a ${message.kind} notice is over ${NOTICE_LIMIT} bytes`);
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, text]);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 3000, keepAlive: true, application_name: 'launch-console bus' });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      let raw: unknown;
      try {
        raw = JSON.parse(n.payload);
      } catch {
        return;
      }
      const envelope = raw as Partial<Envelope>;
      if (envelope.launch !== this.launchId) return;
      const parsed = BusMessageSchema.safeParse(raw);
      if (parsed.success) this.onMessage(parsed.data, String(envelope.from));
    });
    client.on('error', (e) => this.lost(client, e.message));
    client.on('end', () => this.lost(client, 'the connection to the database ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.setHealth({ reachable: true, since: Date.now(), problem: null });
    } catch (e) {
      void client.end().catch(() => undefined);
      this.lost(client, (e as Error).message);
    }
  }

  private lost(client: pg.Client, why: string): void {
    if (this.client && this.client !== client) return;
    this.client = null;
    if (this.health.reachable || this.health.since === null) this.setHealth({ reachable: false, since: Date.now(), problem: why });
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, RECONNECT_MS);
  }

  private setHealth(health: DatabaseHealth): void {
    this.health = health;
    this.onHealth(health);
  }
}
