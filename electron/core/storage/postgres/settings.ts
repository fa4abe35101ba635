import type pg from 'pg';
import { ValidatedSettings, type KeyValueFile, type SettingsStore } from '../settings-store.js';
import { PostgresStorageError, query, reasonOf } from './database.js';

const RETRY_MS = { first: 1_000, max: 30_000 };
const ATTEMPTS_WHEN_CLOSING = 3;

/**
 * Settings in PostgreSQL behind the synchronous `SettingsStore`: read whole when the launch is
 * opened, kept in memory, and written behind. `set` takes effect at once (as it does on a desk,
 * where the file is rewritten before it returns); the row follows in the order asked, retried
 * until the database takes it, and `flush` waits for it. Only the newest value of a key is kept
 * waiting, so a database that is down for an hour holds back one row per key, not a backlog.
 */
export class PostgresSettings implements KeyValueFile {
  readonly store: Record<string, unknown>;
  private readonly waiting = new Map<string, unknown>();
  private writing: Promise<void> | null = null;
  private closing = false;
  private lastError: Error | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly launchId: string,
    readonly path: string,
    loaded: Record<string, unknown>,
    private readonly onWriteFailed: (error: Error) => void,
  ) {
    this.store = { ...loaded };
  }

  static async open(pool: pg.Pool, launchId: string, location: string, onWriteFailed: (error: Error) => void): Promise<{ file: PostgresSettings; store: SettingsStore }> {
    const rows = await query<{ key: string; value: unknown }>(pool, `reading ${location}`, 'SELECT key, value FROM settings WHERE launch_id = $1', [launchId]);
    const file = new PostgresSettings(pool, launchId, location, Object.fromEntries(rows.rows.map((r) => [r.key, r.value])), onWriteFailed);
    return { file, store: new ValidatedSettings(file) };
  }

  set(key: string, value: unknown): void {
    if (this.closing) throw new PostgresStorageError(`${this.path} is closed: ${key} not saved`);
    this.store[key] = value;
    this.waiting.set(key, value);
    this.writing ??= this.write();
  }

  /** Resolves once every value set so far is in the database; after `close` began, rejects if it could not be written. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.waiting.size > 0) {
      throw new PostgresStorageError(`${[...this.waiting.keys()].join(', ')} not saved to ${this.path}: ${this.lastError?.message ?? 'unknown failure'}`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.flush();
  }

  /** Ends, and clears `writing`, in the same step that finds nothing waiting, so no value is left unwritten unseen. */
  private async write(): Promise<void> {
    await Promise.resolve();
    let failures = 0;
    try {
      while (this.waiting.size > 0) {
        failures = (await this.writeWaiting()) ? 0 : failures + 1;
        if (failures === 0) continue;
        if (this.closing && failures >= ATTEMPTS_WHEN_CLOSING) return;
        await sleep(this.closing ? RETRY_MS.first : Math.min(RETRY_MS.first * 2 ** (failures - 1), RETRY_MS.max));
      }
    } finally {
      this.writing = null;
    }
  }

  /** Writes every key waiting in one statement; false when the database did not take them. */
  private async writeWaiting(): Promise<boolean> {
    const batch = [...this.waiting];
    try {
      await query(
        this.pool,
        `saving ${this.path}`,
        `INSERT INTO settings (launch_id, key, value) SELECT $1, e.key, e.value FROM jsonb_each($2::jsonb) AS e
         ON CONFLICT (launch_id, key) DO UPDATE SET value = excluded.value, written_at = now()`,
        [this.launchId, JSON.stringify(Object.fromEntries(batch))],
      );
    } catch (e) {
      this.lastError = e instanceof Error ? e : new Error(reasonOf(e));
      this.onWriteFailed(this.lastError);
      return false;
    }
    for (const [key, value] of batch) if (this.waiting.get(key) === value) this.waiting.delete(key);
    this.lastError = null;
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
