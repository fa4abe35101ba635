import type pg from 'pg';
import type { DocumentName, JsonDocument, LaunchStorage, RecordLog, RecordLogName } from '../ports.js';
import type { SettingsStore } from '../settings-store.js';
import { createPool, describeDatabase, PostgresStorageError, query, reasonOf } from './database.js';
import { PostgresJsonDocument } from './document.js';
import { migrate } from './migrate.js';
import { PostgresRecordLog } from './record-log.js';
import { PostgresSettings } from './settings.js';

export interface PostgresStorageOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** The launch whose records these are; one database holds any number of launches. */
  launchId: string;
  /** A pool shared with other launches of the same server; then `close` leaves it open. */
  pool?: pg.Pool;
  /** A setting the database did not take yet (it is retried): for the screen and the log. */
  onSettingsWriteFailed?: (error: Error) => void;
}

/**
 * One launch's records in PostgreSQL, for a team sharing it from several desks and servers: the
 * same logs, documents and settings as the data folder, one row each, keyed by the launch.
 * Opening brings the schema up to date and registers the launch.
 */
export class PostgresStorage implements LaunchStorage {
  readonly description: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    private readonly launchId: string,
    database: string,
    private readonly settingsFile: PostgresSettings,
    private readonly settingsStore: SettingsStore,
  ) {
    this.description = `launch "${launchId}" in the ${database}`;
  }

  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const { url, launchId } = options;
    if (launchId.trim() === '') throw new PostgresStorageError('a launch id is needed to keep a launch in PostgreSQL');
    const database = describeDatabase(url);
    const pool = options.pool ?? createPool(url);
    try {
      await migrate(pool).catch((e: unknown) => {
        throw new PostgresStorageError(`preparing the tables of the ${database} failed: ${reasonOf(e)}`);
      });
      await query(pool, `registering launch "${launchId}" in the ${database}`, 'INSERT INTO launches (launch_id) VALUES ($1) ON CONFLICT DO NOTHING', [launchId]);
      const { file, store } = await PostgresSettings.open(pool, launchId, `the settings of launch "${launchId}" in the ${database}`, options.onSettingsWriteFailed ?? (() => undefined));
      return new PostgresStorage(pool, !options.pool, launchId, database, file, store);
    } catch (e) {
      if (!options.pool) await pool.end().catch(() => undefined);
      throw e;
    }
  }

  records(name: RecordLogName): RecordLog {
    return new PostgresRecordLog(this.pool, this.launchId, name, `the ${name} log of ${this.description}`);
  }

  document(name: DocumentName): JsonDocument {
    return new PostgresJsonDocument(this.pool, this.launchId, name, `the ${name} document of ${this.description}`);
  }

  settings(): SettingsStore {
    return this.settingsStore;
  }

  /** Resolves once every setting made so far is in the database. */
  settingsSaved(): Promise<void> {
    return this.settingsFile.flush();
  }

  /** Writes the settings still waiting, then lets go of the database (the pool too, unless it was lent). */
  async close(): Promise<void> {
    try {
      await this.settingsFile.close();
    } finally {
      if (this.ownsPool) await this.pool.end();
    }
  }
}

/** The launches a database holds, oldest first: for choosing one to verify or export. */
export async function listLaunches(pool: pg.Pool): Promise<string[]> {
  const result = await query<{ launch_id: string }>(pool, 'listing the launches', 'SELECT launch_id FROM launches ORDER BY created_at, launch_id', []);
  return result.rows.map((r) => r.launch_id);
}

/**
 * One log of a launch for reading only (the audit command line): nothing is created or migrated.
 * Without a launch id, the database's only launch. Closing the log lets go of the database.
 */
export async function openLaunchLogForReading(url: string, launchId: string | undefined, name: RecordLogName): Promise<RecordLog> {
  const database = describeDatabase(url);
  const pool = createPool(url, { max: 1 });
  try {
    const launches = await listLaunches(pool).catch((e: unknown) => {
      throw new PostgresStorageError(`the ${database} holds no launch records (${reasonOf(e)})`);
    });
    const held = launches.length > 0 ? `it holds ${launches.map((l) => `"${l}"`).join(', ')}` : 'it holds none';
    const id = launchId ?? (launches.length === 1 ? launches[0] : undefined);
    if (id === undefined) throw new PostgresStorageError(`name the launch with --launch: ${held}`);
    if (!launches.includes(id)) throw new PostgresStorageError(`no launch "${id}" in the ${database}: ${held}`);
    const log = new PostgresRecordLog(pool, id, name, `the ${name} log of launch "${id}" in the ${database}`);
    const readOnly = () => Promise.reject(new PostgresStorageError(`${log.location} was opened for reading only`));
    return {
      location: log.location,
      scan: (visit) => log.scan(visit),
      append: readOnly,
      appendNext: readOnly,
      replace: readOnly,
      close: () => pool.end(),
    };
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
}
