import type pg from 'pg';
import type { AuditEntry } from '../../../shared/audit.js';
import { ChainChecker, type ChainScan } from '../audit/chain.js';
import { PostgresStorageError, reasonOf } from '../storage/postgres/database.js';

/**
 * The database side of an import: the whole copy runs in one transaction on one connection, so a
 * failure half-way (the database restarting, a record it will not take, a refusal) leaves the
 * database exactly as it was. That matters most for the audit log, whose rows no one can remove
 * once committed. The statements write the tables the console's PostgreSQL storage reads
 * (storage/postgres/record-log.ts, document.ts, settings.ts); what a console then reads back is
 * checked through that storage after the commit.
 */

/** A statement on the import's connection, naming what it was doing if it fails. */
export async function run<R extends pg.QueryResultRow = pg.QueryResultRow>(client: pg.PoolClient, what: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await client.query<R>(text, values);
  } catch (e) {
    throw new PostgresStorageError(`${what} failed: ${reasonOf(e)}`);
  }
}

/**
 * Runs `work` in one transaction: committed if it returns, rolled back if it throws (its error passed
 * on as thrown, so a refusal stays a refusal).
 */
export async function inOneTransaction<T>(pool: pg.Pool, what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
    // A database dying mid-import fails the import (its query rejects), not the process.
    client.on('error', () => undefined);
  } catch (e) {
    throw new PostgresStorageError(`${what} failed: cannot connect: ${reasonOf(e)}`);
  }
  let failed: Error | undefined;
  try {
    await run(client, what, 'BEGIN', []);
    const result = await work(client);
    try {
      await client.query('COMMIT');
    } catch (e) {
      throw new PostgresStorageError(`${what} failed while committing: ${reasonOf(e)} (if the connection was lost, check the launch before importing again)`);
    }
    return result;
  } catch (e) {
    failed = e instanceof Error ? e : new Error(String(e));
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    // A connection that failed is not handed back for reuse.
    client.release(failed);
  }
}

/** What a launch already holds in the database. */
export interface TargetHoldings {
  auditEntries: number;
  records: { log: string; count: number }[];
  documents: string[];
  documentsSetAside: number;
  settings: string[];
}

/**
 * Registers the launch if it is new and locks it for this transaction: its row in `launches` (every
 * write of a document, a setting or an audit entry checks it, so waits) and the head row of every
 * log (every append locks its head, so waits). Then reads what the launch holds: nothing may be
 * written meanwhile, so "empty" stays true until the copy commits.
 */
export async function lockLaunch(client: pg.PoolClient, launchId: string, logs: readonly string[], where: string): Promise<TargetHoldings> {
  const what = `locking launch "${launchId}" in the ${where}`;
  await run(client, what, 'INSERT INTO launches (launch_id) VALUES ($1) ON CONFLICT DO NOTHING', [launchId]);
  await run(client, what, 'SELECT launch_id FROM launches WHERE launch_id = $1 FOR UPDATE', [launchId]);
  await run(client, what, 'INSERT INTO record_logs (launch_id, log) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [launchId, [...logs]]);
  await run(client, what, 'SELECT log FROM record_logs WHERE launch_id = $1 ORDER BY log FOR UPDATE', [launchId]);

  const reading = `reading what launch "${launchId}" holds in the ${where}`;
  const audit = await run<{ n: number }>(client, reading, 'SELECT count(*)::int AS n FROM audit_entries WHERE launch_id = $1', [launchId]);
  const records = await run<{ log: string; n: number }>(client, reading, 'SELECT log, count(*)::int AS n FROM records WHERE launch_id = $1 GROUP BY log ORDER BY log', [launchId]);
  const documents = await run<{ name: string }>(client, reading, 'SELECT name FROM documents WHERE launch_id = $1 ORDER BY name', [launchId]);
  const aside = await run<{ n: number }>(client, reading, 'SELECT count(*)::int AS n FROM documents_set_aside WHERE launch_id = $1', [launchId]);
  const settings = await run<{ key: string }>(client, reading, 'SELECT key FROM settings WHERE launch_id = $1 ORDER BY key', [launchId]);
  return {
    auditEntries: audit.rows[0]?.n ?? 0,
    records: records.rows.map((r) => ({ log: r.log, count: r.n })),
    documents: documents.rows.map((r) => r.name),
    documentsSetAside: aside.rows[0]?.n ?? 0,
    settings: settings.rows.map((r) => r.key),
  };
}

/** What a launch holds, in words; null when it holds nothing. */
export function describeHoldings(h: TargetHoldings): string | null {
  const parts = [
    ...(h.auditEntries > 0 ? [`${h.auditEntries} audit ${h.auditEntries === 1 ? 'entry' : 'entries'}`] : []),
    ...h.records.map((r) => `${r.count} ${r.log} ${r.count === 1 ? 'record' : 'records'}`),
    ...(h.documents.length > 0 ? [`the ${h.documents.join(', ')} ${h.documents.length === 1 ? 'document' : 'documents'}`] : []),
    ...(h.documentsSetAside > 0 ? [`${h.documentsSetAside} set-aside ${h.documentsSetAside === 1 ? 'document' : 'documents'}`] : []),
    ...(h.settings.length > 0 ? [`the ${h.settings.join(', ')} ${h.settings.length === 1 ? 'setting' : 'settings'}`] : []),
  ];
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

/** Rows per statement and characters of JSON per statement, whichever is reached first. */
const BATCH_ROWS = 5000;
const BATCH_CHARS = 4 * 1024 * 1024;
const READ_PAGE = 1000;

const INSERT_AUDIT = `INSERT INTO audit_entries (launch_id, seq, entry)
  SELECT $1, (t.value->>'seq')::bigint, t.value FROM jsonb_array_elements($2::jsonb) AS t(value)`;
const INSERT_RECORDS = `INSERT INTO records (launch_id, log, position, value)
  SELECT $1, $2, $3::bigint + t.ord, t.value FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS t(value, ord)`;

/**
 * Writes one log's records in order, many to a statement. Records of the log get positions 1, 2, …
 * as the console's appends give them; an audit entry keeps its own seq as its position, and is
 * stored as read, its hash never recomputed. One statement is in flight while the next batch is
 * read from the file, so the caller holds at most two batches.
 */
export class LogWriter {
  private batch: string[] = [];
  private chars = 0;
  /** Records handed to a statement so far (the position before the next batch). */
  private queued = 0;
  private written = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  /** The file lines of the batch, for messages. */
  private firstLine = 0;
  private lastLine = 0;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly launchId: string,
    private readonly log: string,
    private readonly where: string,
    private readonly onBatch: (written: number) => void,
  ) {}

  async add(jsonText: string, line: number): Promise<void> {
    if (this.batch.length === 0) this.firstLine = line;
    this.lastLine = line;
    this.batch.push(jsonText);
    this.chars += jsonText.length;
    if (this.batch.length >= BATCH_ROWS || this.chars >= BATCH_CHARS) await this.flush();
  }

  /** Writes what is left and sets the log's head; resolves to the records written. */
  async finish(): Promise<number> {
    await this.flush();
    await this.settle();
    await run(this.client, `setting the head of the ${this.log} log of ${this.where}`, 'UPDATE record_logs SET last_position = $3 WHERE launch_id = $1 AND log = $2', [
      this.launchId,
      this.log,
      this.written,
    ]);
    return this.written;
  }

  /** Sends the batch once the statement before it is done; does not wait for this one. */
  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const array = `[${this.batch.join(',')}]`;
    const count = this.batch.length;
    const what = `copying lines ${this.firstLine}–${this.lastLine} of the ${this.log} log into ${this.where}`;
    const values = this.log === 'audit' ? [this.launchId, array] : [this.launchId, this.log, this.queued, array];
    this.queued += count;
    this.batch = [];
    this.chars = 0;
    await this.settle();
    this.inFlight = run(this.client, what, this.log === 'audit' ? INSERT_AUDIT : INSERT_RECORDS, values).then(
      () => {
        this.written += count;
        this.onBatch(this.written);
      },
      // Kept until the next wait: a rejection with no one waiting yet would end the process.
      (e: unknown) => {
        this.failure = e instanceof Error ? e : new Error(String(e));
      },
    );
  }

  private async settle(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure;
  }
}

/** Walks the audit entries just written, in this transaction, through the chain check. */
export async function checkWrittenChain(client: pg.PoolClient, launchId: string, where: string): Promise<ChainScan> {
  const checker = new ChainChecker();
  let after = 0;
  for (;;) {
    const page = await run<{ seq: string; entry: AuditEntry }>(
      client,
      `reading back the audit entries copied into ${where}`,
      'SELECT seq, entry FROM audit_entries WHERE launch_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [launchId, after, READ_PAGE],
    );
    for (const row of page.rows) {
      after = Number(row.seq);
      checker.feed({ position: after, value: row.entry });
    }
    if (page.rows.length < READ_PAGE) return checker.result();
  }
}

/** Records per log as the transaction sees them. */
export async function countRecords(client: pg.PoolClient, launchId: string, where: string): Promise<Map<string, number>> {
  const rows = await run<{ log: string; n: number }>(client, `counting the records copied into ${where}`, 'SELECT log, count(*)::int AS n FROM records WHERE launch_id = $1 GROUP BY log', [
    launchId,
  ]);
  return new Map(rows.rows.map((r) => [r.log, r.n]));
}

export async function insertDocument(client: pg.PoolClient, launchId: string, name: string, jsonText: string, where: string): Promise<void> {
  await run(client, `copying the ${name} document into ${where}`, 'INSERT INTO documents (launch_id, name, value) VALUES ($1, $2, $3::jsonb)', [launchId, name, jsonText]);
}

export async function insertSetting(client: pg.PoolClient, launchId: string, key: string, jsonText: string, where: string): Promise<void> {
  await run(client, `copying the ${key} setting into ${where}`, 'INSERT INTO settings (launch_id, key, value) VALUES ($1, $2, $3::jsonb)', [launchId, key, jsonText]);
}
