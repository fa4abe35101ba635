/** A schema migration shipped with the console: migrations/NNN-name.sql. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** sha256 of the file, so a migration edited after it ran somewhere is caught rather than silently skipped. */
  checksum: string;
}

/** A row of schema_migrations. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export class MigrationError extends Error {}

const FILE_NAME = /^(\d{3})-([a-z0-9][a-z0-9-]*)\.sql$/;

/** The version and name in a migration's file name, or null for a file that is not one. */
export function parseMigrationFileName(file: string): { version: number; name: string } | null {
  const m = FILE_NAME.exec(file);
  return m?.[1] && m[2] ? { version: Number(m[1]), name: m[2] } : null;
}

/**
 * The migrations still to apply, in version order. Refuses a database set up by a newer console
 * (a version this one does not know) and a migration changed since it was applied, since either
 * would leave the tables different from what this code expects.
 */
export function planMigrations(known: readonly Migration[], applied: readonly AppliedMigration[]): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const m of known) {
    const other = byVersion.get(m.version);
    if (other) throw new MigrationError(`two migrations share version ${m.version}: ${other.name} and ${m.name}`);
    byVersion.set(m.version, m);
  }
  const done = new Set<number>();
  for (const a of applied) {
    const m = byVersion.get(a.version);
    if (!m) {
      throw new MigrationError(
        `the database has migration ${label(a)}, which this console does not know: it was set up by a newer version of the console; upgrade this one`,
      );
    }
    if (m.checksum !== a.checksum) {
      throw new MigrationError(`migration ${label(m)} was changed after it was applied to this database; restore it and add a new migration instead`);
    }
    done.add(a.version);
  }
  return [...byVersion.values()].filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
}

export function label(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(3, '0')}-${m.name}`;
}
