import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { label, parseMigrationFileName, planMigrations, type AppliedMigration, type Migration } from './migration-plan.js';

/** Where the migrations ship: beside this module, so a checkout and an installed copy agree. */
export const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** Any fixed number: every console server takes the same lock before looking at the schema. */
const MIGRATION_LOCK = 7_316_524_019;

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .flatMap((file) => {
      const parsed = parseMigrationFileName(file);
      if (!parsed) return [];
      const sql = readFileSync(join(dir, file), 'utf8');
      return [{ ...parsed, sql, checksum: createHash('sha256').update(sql).digest('hex') }];
    })
    .sort((a, b) => a.version - b.version);
}

/**
 * Brings the schema up to date in one transaction under an advisory lock, so two servers starting
 * together neither apply a migration twice nor see a half-made schema; a failing migration leaves
 * the database as it was. Resolves to the migrations applied now (none when already current).
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = loadMigrations()): Promise<string[]> {
  const client = await pool.connect();
  // A database dying mid-migration fails the migration (its query rejects), not the process.
  client.on('error', () => undefined);
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await client.query<AppliedMigration>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    const todo = planMigrations(migrations, applied.rows);
    for (const m of todo) {
      try {
        await client.query(m.sql);
      } catch (e) {
        throw new Error(`migration ${label(m)} failed: ${(e as Error).message}`);
      }
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
    }
    await client.query('COMMIT');
    return todo.map(label);
  } catch (e) {
    failed = e as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release(failed);
  }
}
