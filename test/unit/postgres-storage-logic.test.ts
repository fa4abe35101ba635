import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../electron/core/storage/postgres/append-batch.js';
import { jsonbText } from '../../electron/core/storage/postgres/database.js';
import { MigrationError, parseMigrationFileName, planMigrations, type Migration } from '../../electron/core/storage/postgres/migration-plan.js';

const m = (version: number, name: string, checksum = `sum-${version}`): Migration => ({ version, name, sql: '', checksum });

describe('migration plan', () => {
  it('reads NNN-name.sql and nothing else', () => {
    expect(parseMigrationFileName('001-launch-records.sql')).toEqual({ version: 1, name: 'launch-records' });
    expect(parseMigrationFileName('12-short.sql')).toBeNull();
    expect(parseMigrationFileName('002-Upper.sql')).toBeNull();
    expect(parseMigrationFileName('README.md')).toBeNull();
  });

  it('applies what is missing, in version order', () => {
    expect(planMigrations([m(2, 'b'), m(1, 'a'), m(3, 'c')], [{ version: 1, name: 'a', checksum: 'sum-1' }]).map((x) => x.version)).toEqual([2, 3]);
    expect(planMigrations([m(1, 'a')], [{ version: 1, name: 'a', checksum: 'sum-1' }])).toEqual([]);
  });

  it('refuses a database set up by a newer console', () => {
    expect(() => planMigrations([m(1, 'a')], [{ version: 1, name: 'a', checksum: 'sum-1' }, { version: 2, name: 'team', checksum: 'x' }])).toThrow(
      /migration 002-team, which this console does not know: .*upgrade this one/,
    );
  });

  it('refuses a migration changed after it was applied, and two of one version', () => {
    expect(() => planMigrations([m(1, 'a', 'edited')], [{ version: 1, name: 'a', checksum: 'sum-1' }])).toThrow(/001-a was changed after it was applied/);
    expect(() => planMigrations([m(1, 'a'), m(1, 'b')], [])).toThrow(MigrationError);
  });
});

describe('append batch', () => {
  it('makes each record from the one before, the first from the stored newest', () => {
    const next = (newest: unknown) => ({ seq: ((newest as { seq: number } | null)?.seq ?? 0) + 1 });
    const built = buildBatch({ seq: 7 }, [next, next, next], JSON.stringify);
    expect(built.map((b) => (b.ok ? b.value : null))).toEqual([{ seq: 8 }, { seq: 9 }, { seq: 10 }]);
    expect(buildBatch(null, [next], JSON.stringify)).toEqual([{ ok: true, value: { seq: 1 }, text: '{"seq":1}' }]);
  });

  it('leaves out a record that cannot be made or stored, and chains the next to the one before it', () => {
    const next = (newest: unknown) => ({ seq: ((newest as { seq: number } | null)?.seq ?? 0) + 1 });
    const built = buildBatch(
      { seq: 1 },
      [next, () => ({ note: 'a\u0000b' }), () => { throw new Error('refused'); }, next],
      jsonbText,
    );
    expect(built.map((b) => (b.ok ? b.value : b.error.message))).toEqual([
      { seq: 2 },
      'the record holds the character U+0000, which PostgreSQL cannot store in jsonb',
      'refused',
      { seq: 3 },
    ]);
  });

  it('tells an escaped backslash from the U+0000 escape', () => {
    expect(jsonbText({ path: 'C:\\u0000' })).toBe('{"path":"C:\\\\u0000"}');
  });
});
