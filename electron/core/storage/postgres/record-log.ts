import type pg from 'pg';
import type { RecordLog, StoredRecord } from '../ports.js';
import { buildBatch } from './append-batch.js';
import { inTransaction, jsonbText, PostgresStorageError, query } from './database.js';

/** The audit log has a table of its own, append-only; every other log shares `records`. */
export const AUDIT_LOG = 'audit';

/** Appends waiting together are written in one transaction, one commit (one flush to disk) for all of them. */
const MAX_BATCH = 500;
const SCAN_PAGE = 500;

type Waiting =
  | { kind: 'append'; make: (newest: unknown) => unknown; resolve: (value: unknown) => void; reject: (e: Error) => void }
  | { kind: 'replace'; records: readonly unknown[]; clear: string; resolve: () => void; reject: (e: Error) => void };

interface Table {
  /** The record at `position`, as `value`. */
  at(launchId: string, log: string, position: number): [string, unknown[]];
  /** $1 launch, $2 log, $3 the position before the first new row, $4 the records as a jsonb array, $5 the new head. */
  insert: string;
  /** Up to `size` records after `after`, as `position, value`. */
  page(launchId: string, log: string, after: number, size: number): [string, unknown[]];
  /** $1 launch, $2 log; null for a log that is never rewritten. */
  clear: string | null;
}

const RECORDS: Table = {
  at: (launchId, log, position) => ['SELECT value FROM records WHERE launch_id = $1 AND log = $2 AND position = $3', [launchId, log, position]],
  insert: `WITH added AS (
      INSERT INTO records (launch_id, log, position, value)
      SELECT $1, $2, $3::bigint + t.ord, t.value FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS t(value, ord)
    )
    UPDATE record_logs SET last_position = $5 WHERE launch_id = $1 AND log = $2`,
  page: (launchId, log, after, size) => [
    'SELECT position, value FROM records WHERE launch_id = $1 AND log = $2 AND position > $3 ORDER BY position LIMIT $4',
    [launchId, log, after, size],
  ],
  clear: `DELETE FROM records WHERE launch_id = $1 AND log = $2`,
};

const AUDIT: Table = {
  at: (launchId, _log, position) => ['SELECT entry AS value FROM audit_entries WHERE launch_id = $1 AND seq = $2', [launchId, position]],
  insert: `WITH added AS (
      INSERT INTO audit_entries (launch_id, seq, entry)
      SELECT $1, $3::bigint + t.ord, t.value FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS t(value, ord)
    )
    UPDATE record_logs SET last_position = $5 WHERE launch_id = $1 AND log = $2`,
  page: (launchId, _log, after, size) => [
    'SELECT seq AS position, entry AS value FROM audit_entries WHERE launch_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
    [launchId, after, size],
  ],
  clear: null,
};

/**
 * A record log in PostgreSQL. Appends queue in the order asked and are written in batches under
 * the log's head row lock, so positions follow that order with no gap, whichever server writes;
 * each append resolves once the transaction holding it has committed. A replace waits its turn
 * in the same queue, so an append asked after it is never erased by it.
 */
export class PostgresRecordLog implements RecordLog {
  private readonly table: Table;
  private readonly waiting: Waiting[] = [];
  private pumping: Promise<void> | null = null;
  private headReady: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly launchId: string,
    private readonly log: string,
    readonly location: string,
  ) {
    this.table = log === AUDIT_LOG ? AUDIT : RECORDS;
  }

  async scan(visit: (record: StoredRecord) => void, from = 0): Promise<void> {
    let after = from;
    for (;;) {
      const [text, values] = this.table.page(this.launchId, this.log, after, SCAN_PAGE);
      const page = await query<{ position: string; value: unknown }>(this.pool, `reading ${this.location}`, text, values);
      // jsonb always parses: what cannot be used in a row is the reading store's to report, as a value of the wrong shape.
      for (const row of page.rows) {
        after = Number(row.position);
        visit({ position: after, value: row.value });
      }
      if (page.rows.length < SCAN_PAGE) return;
    }
  }

  append(record: unknown): Promise<void> {
    return this.enqueueAppend(() => record).then(() => undefined);
  }

  appendNext<T>(next: (newest: unknown) => T): Promise<T> {
    return this.enqueueAppend(next) as Promise<T>;
  }

  replace(records: readonly unknown[]): Promise<void> {
    const clear = this.table.clear;
    if (clear === null) return Promise.reject(new PostgresStorageError(`${this.location} is append-only: it cannot be replaced`));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'replace', records, clear, resolve, reject }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pumping;
  }

  private enqueueAppend(make: (newest: unknown) => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'append', make, resolve, reject }));
  }

  private enqueue(item: Waiting): void {
    if (this.closed) {
      item.reject(new PostgresStorageError(`${this.location} is closed`));
      return;
    }
    this.waiting.push(item);
    this.pumping ??= this.pump();
  }

  /** Ends, and clears `pumping`, in the same step that finds the queue empty, so no append is left waiting unseen. */
  private async pump(): Promise<void> {
    // Appends asked in the same turn of the event loop travel in one batch.
    await Promise.resolve();
    try {
      while (this.waiting.length > 0) await this.next();
    } finally {
      this.pumping = null;
    }
  }

  /** The replace at the head of the queue alone, or the appends up to the next replace together. */
  private async next(): Promise<void> {
    const first = this.waiting[0];
    if (first?.kind === 'replace') {
      this.waiting.shift();
      await this.replaceNow(first.records, first.clear).then(first.resolve, first.reject);
      return;
    }
    const end = this.waiting.findIndex((w, i) => w.kind === 'replace' || i >= MAX_BATCH);
    const batch = this.waiting.splice(0, end === -1 ? this.waiting.length : end) as Extract<Waiting, { kind: 'append' }>[];
    await this.appendNow(batch);
  }

  private async appendNow(batch: Extract<Waiting, { kind: 'append' }>[]): Promise<void> {
    let built: ReturnType<typeof buildBatch> = [];
    try {
      await this.ensureHead();
      await inTransaction(this.pool, `appending to ${this.location}`, async (client) => {
        const { position, newest } = await this.lockHead(client);
        built = buildBatch(
          newest,
          batch.map((w) => w.make),
          jsonbText,
        );
        const texts = built.flatMap((b) => (b.ok ? [b.text] : []));
        if (texts.length === 0) return;
        await client.query(this.table.insert, [this.launchId, this.log, position, `[${texts.join(',')}]`, position + texts.length]);
      });
    } catch (e) {
      for (const w of batch) w.reject(e as Error);
      return;
    }
    batch.forEach((w, i) => {
      const b = built[i];
      if (b?.ok) w.resolve(b.value);
      else w.reject(new PostgresStorageError(`appending to ${this.location} refused: ${b?.error.message ?? 'not made'}`));
    });
  }

  private async replaceNow(records: readonly unknown[], clear: string): Promise<void> {
    const texts = records.map(jsonbText);
    await this.ensureHead();
    await inTransaction(this.pool, `replacing ${this.location}`, async (client) => {
      await this.lockHead(client);
      await client.query(clear, [this.launchId, this.log]);
      await client.query(this.table.insert, [this.launchId, this.log, 0, `[${texts.join(',')}]`, texts.length]);
    });
  }

  /**
   * Locks the head row, then reads the newest record in a statement of its own: one that waited
   * for the lock sees the record the previous holder wrote only in a snapshot taken after it.
   */
  private async lockHead(client: pg.PoolClient): Promise<{ position: number; newest: unknown }> {
    const head = await client.query<{ last_position: string }>('SELECT last_position FROM record_logs WHERE launch_id = $1 AND log = $2 FOR UPDATE', [
      this.launchId,
      this.log,
    ]);
    const row = head.rows[0];
    if (!row) throw new PostgresStorageError(`${this.location} has no head row: the launch was removed while the console was running`);
    const position = Number(row.last_position);
    if (position === 0) return { position, newest: null };
    const newest = await client.query<{ value: unknown }>(...this.table.at(this.launchId, this.log, position));
    return { position, newest: newest.rows[0]?.value ?? null };
  }

  private ensureHead(): Promise<void> {
    this.headReady ??= query(this.pool, `opening ${this.location}`, 'INSERT INTO record_logs (launch_id, log) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      this.launchId,
      this.log,
    ]).then(
      () => undefined,
      (e: unknown) => {
        this.headReady = null;
        throw e;
      },
    );
    return this.headReady;
  }
}
