import pg from 'pg';

/** How often a follower asks for the lead, and how long the leader's connection may stay silent before it counts as lost. */
const TRY_EVERY_MS = 1000;
const PING_TIMEOUT_MS = 3000;

export interface LeadershipEvents {
  /** This instance now holds the lead; it resolves once it has taken up the leader's work. */
  lead(): Promise<void>;
  /** The lead is no longer certain (its connection broke): the leader's work must stop at once. */
  lost(why: string): void;
}

/**
 * Exactly one instance leads a launch: the one holding a session-level advisory lock on a
 * connection of its own. PostgreSQL lets the lock go the moment that session ends (the process
 * killed, the machine gone, the network cut and the connection timed out), so another instance,
 * asking every second, takes over within seconds.
 */
export class Leadership {
  private client: pg.Client | null = null;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly url: string,
    private readonly launchId: string,
    private readonly events: LeadershipEvents,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const step = () => {
      if (this.stopped) return;
      void this.step().finally(() => {
        if (!this.stopped) this.timer = setTimeout(step, TRY_EVERY_MS);
      });
    };
    step();
  }

  /** Lets the lead go (a clean shutdown), so another instance takes it at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
    const client = this.client;
    this.client = null;
    this.leading = false;
    if (client) await client.end().catch(() => undefined);
  }

  private async step(): Promise<void> {
    this.busy = true;
    try {
      const client = this.client ?? (await this.connect());
      if (!client) return;
      if (this.leading) {
        // The lock lives as long as this session: a session that does not answer may be gone already.
        await withTimeout(client.query('SELECT 1'), PING_TIMEOUT_MS);
        return;
      }
      const got = await withTimeout(
        client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended('launch-console leader ' || $1, 0)) AS locked", [this.launchId]),
        PING_TIMEOUT_MS,
      );
      if (!got.rows[0]?.locked) return;
      this.leading = true;
      try {
        await this.events.lead();
      } catch (e) {
        // It could not take up the work (the launch would not open): let another instance try.
        this.leading = false;
        await client.query("SELECT pg_advisory_unlock(hashtextextended('launch-console leader ' || $1, 0))", [this.launchId]).catch(() => undefined);
        throw e;
      }
    } catch (e) {
      this.drop(e instanceof Error ? e.message : String(e));
    } finally {
      this.busy = false;
    }
  }

  private async connect(): Promise<pg.Client | null> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: PING_TIMEOUT_MS, keepAlive: true, application_name: 'launch-console leadership' });
    client.on('error', (e) => this.drop(e.message));
    client.on('end', () => this.drop('the connection to the database ended'));
    await client.connect();
    if (this.stopped) {
      await client.end();
      return null;
    }
    this.client = client;
    return client;
  }

  private drop(why: string): void {
    const client = this.client;
    this.client = null;
    if (client) void client.end().catch(() => undefined);
    if (this.leading) {
      this.leading = false;
      this.events.lost(why);
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms / 1000} s`)), ms);
    }),
  ]);
}
