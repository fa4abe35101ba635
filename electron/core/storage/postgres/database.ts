import pg from 'pg';

/** A failure of the PostgreSQL storage, saying what was being done, where, and what the server or the network said. */
export class PostgresStorageError extends Error {}

export interface PoolOptions {
  /** Connections this process keeps at most; each console server needs few. */
  max?: number;
  /** A connection dropped while idle (a database restart): the pool replaces it, the caller may want to know. */
  onIdleError?: (error: Error) => void;
}

/**
 * A pool with limits on every wait, so a database that is down or stuck makes a write fail with a
 * message within seconds instead of holding an operator's request open.
 */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: 15_000,
    lock_timeout: 10_000,
    idle_in_transaction_session_timeout: 30_000,
    query_timeout: 20_000,
    application_name: 'launch-console',
  });
  // Without a listener an idle connection's error (the server restarting) would end the process.
  pool.on('error', (e) => options.onIdleError?.(e));
  return pool;
}

/** The database in words for messages, without the password: `database launch on db.internal:5432`. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)';
    return `PostgreSQL database ${db} on ${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'PostgreSQL database (unparseable URL)';
  }
}

/** What the server or the network said, with PostgreSQL's error code when there is one. */
export function reasonOf(e: unknown): string {
  const err = e as { message?: string; code?: string };
  const message = err.message || String(e);
  return err.code && /^[0-9A-Z]{5}$/.test(err.code) ? `${message} (SQLSTATE ${err.code})` : message;
}

function isConnectionFailure(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  const message = (e as Error).message ?? '';
  return /^(ECONNRESET|ECONNREFUSED|EPIPE|57P0[1-3]|08\d{3})$/.test(code) || /Connection terminated|not queryable|Client has encountered a connection error/i.test(message);
}

/**
 * Runs `work` in one transaction and names `what` in any failure. A connection found dead before
 * anything was sent on it (a restart since it was last used) is replaced once; a failure after
 * that is reported, never retried, so nothing is written twice.
 */
export async function inTransaction<T>(pool: pg.Pool, what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let checkedOut: pg.PoolClient;
    try {
      checkedOut = await pool.connect();
    } catch (e) {
      throw new PostgresStorageError(`${what} failed: cannot connect: ${reasonOf(e)}`);
    }
    // A connection the database drops while it is checked out emits 'error'; without a listener
    // that would end the process. The query under way fails with the reason all the same.
    const ignore = () => undefined;
    checkedOut.on('error', ignore);
    const client = checkedOut;
    const release: typeof client.release = (err) => {
      client.off('error', ignore);
      client.release(err);
    };
    try {
      await client.query('BEGIN');
    } catch (e) {
      release(e as Error);
      if (attempt === 1 && isConnectionFailure(e)) continue;
      throw new PostgresStorageError(`${what} failed: ${reasonOf(e)}`);
    }
    let committing = false;
    try {
      const result = await work(client);
      committing = true;
      await client.query('COMMIT');
      release();
      return result;
    } catch (e) {
      const broken = isConnectionFailure(e);
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      release(broken ? (e as Error) : undefined);
      if (e instanceof PostgresStorageError) throw e;
      const unknown = committing && broken ? ' (the connection was lost while committing: it may or may not have been written)' : '';
      throw new PostgresStorageError(`${what} failed: ${reasonOf(e)}${unknown}`);
    }
  }
}

/** One statement on its own, with `what` named in a failure. */
export async function query<R extends pg.QueryResultRow>(pool: pg.Pool, what: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await pool.query<R>(text, values);
  } catch (e) {
    throw new PostgresStorageError(`${what} failed: ${reasonOf(e)}`);
  }
}

/**
 * The record as jsonb text. PostgreSQL's jsonb cannot hold the character U+0000, which JSON can;
 * such a record is refused by name here rather than failing the batch it would travel in.
 */
export function jsonbText(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new PostgresStorageError('the record is not JSON (undefined or a function)');
  if (/(?<!\\)(?:\\\\)*\\u0000/.test(text)) {
    throw new PostgresStorageError('the record holds the character U+0000, which PostgreSQL cannot store in jsonb');
  }
  return text;
}
