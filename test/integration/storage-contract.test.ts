import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { scanAuditLog } from '../../electron/core/audit/chain.js';
import { runAuditCli } from '../../electron/core/audit/cli.js';
import { acquireDataDirLock, DataDirLockedError } from '../../electron/core/storage/data-dir-lock.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import type { LaunchStorage, RecordLogName } from '../../electron/core/storage/ports.js';
import { PostgresStorage } from '../../electron/core/storage/postgres/postgres-storage.js';
import { readRecords } from '../../electron/core/storage/read-records.js';
import type { LaunchClock } from '../../shared/cadence.js';
import { freshDatabase } from '../support/postgres-database.js';
import { startThrowawayCluster, type ThrowawayCluster } from '../support/postgres.js';

/**
 * One contract, two implementations: every case runs against the data folder and against
 * PostgreSQL, and the counts each reports are compared at the end. Where the two differ by nature
 * the case says so: a file can hold a line torn by a crash, a jsonb row cannot (a row of the wrong
 * shape is what the reading store reports instead); a data folder has one writer (its lock), a
 * database has as many as there are console servers.
 */

interface Launch {
  storage: LaunchStorage;
  /** The same launch opened afresh, as after a restart; the previous handles are closed first. */
  reopen(): Promise<LaunchStorage>;
  /** Stores a record the reading store cannot use, the way this backend can hold one. */
  damage(log: RecordLogName): Promise<void>;
  /** Changes a stored audit entry behind the console's back, as someone with access to the disk or the database could. */
  tamperAudit(position: number): Promise<void>;
  close(): Promise<void>;
}

interface Backend {
  name: 'files' | 'PostgreSQL';
  open(): Promise<Launch>;
}

const Numbered = z.object({ n: z.number().int() });
const parseNumbered = (value: unknown) => Numbered.parse(value);

const clock: LaunchClock = { t0: '2026-03-02T09:00:00.000Z', setBy: 'ana', setAt: '2026-03-02T09:00:05.000Z', source: 'operator' };

const dirs: string[] = [];
let databaseUrl = '';
let admin: pg.Pool;
let launchNo = 0;

const files: Backend = {
  name: 'files',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'storage-contract-'));
    dirs.push(dir);
    let storage = fileStorage(dir);
    return {
      get storage() {
        return storage;
      },
      reopen: async () => (storage = fileStorage(dir)),
      async damage(log) {
        // A line torn by a crash mid-write: the next console starts a fresh line after it.
        appendFileSync(join(dir, `${log}.jsonl`), '{"n":99, "torn');
      },
      async tamperAudit(position) {
        const path = join(dir, 'audit.jsonl');
        const lines = readFileSync(path, 'utf8').split('\n');
        lines[position - 1] = lines[position - 1]!.replace(/"summary":"[^"]*"/, '"summary":"nothing happened"');
        writeFileSync(path, lines.join('\n'));
      },
      close: async () => undefined,
    };
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  async open() {
    const launchId = `launch-${++launchNo}`;
    let storage = await PostgresStorage.open({ url: databaseUrl, launchId });
    return {
      get storage() {
        return storage;
      },
      async reopen() {
        await storage.close();
        storage = await PostgresStorage.open({ url: databaseUrl, launchId });
        return storage;
      },
      async damage(log) {
        // jsonb always parses; what a database can hold that a store cannot use is a row of another shape.
        await admin.query(
          `WITH head AS (UPDATE record_logs SET last_position = last_position + 1 WHERE launch_id = $1 AND log = $2 RETURNING last_position)
           INSERT INTO records (launch_id, log, position, value) SELECT $1, $2, last_position, '{"n":"ninety-nine"}' FROM head`,
          [launchId, log],
        );
      },
      async tamperAudit(position) {
        const client = await admin.connect();
        try {
          // A superuser can switch the append-only triggers off; the chain still gives the change away.
          await client.query('SET session_replication_role = replica');
          await client.query(`UPDATE audit_entries SET entry = jsonb_set(entry, '{summary}', '"nothing happened"') WHERE launch_id = $1 AND seq = $2`, [launchId, position]);
          await client.query('SET session_replication_role = origin');
        } finally {
          client.release();
        }
      },
      close: () => storage.close(),
    };
  },
};

/** What each backend reported for the same workload; compared once both have run. */
const counts = new Map<string, Record<string, unknown>>();
function count(backend: Backend, key: string, value: unknown): void {
  counts.set(backend.name, { ...counts.get(backend.name), [key]: value });
}

beforeAll(async () => {
  databaseUrl = await freshDatabase(import.meta.filename);
  admin = new pg.Pool({ connectionString: databaseUrl, max: 2 });
});

afterAll(async () => {
  await admin?.end();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function valuesOf(storage: LaunchStorage, name: RecordLogName): Promise<{ positions: number[]; values: unknown[] }> {
  const positions: number[] = [];
  const values: unknown[] = [];
  await storage.records(name).scan((r) => {
    positions.push(r.position);
    values.push('value' in r ? r.value : { damage: r.damage });
  });
  return { positions, values };
}

describe.each([files, postgres])('storage contract: $name', (backend) => {
  let launch: Launch;
  beforeAll(async () => {
    launch = await backend.open();
  });
  afterAll(async () => {
    await launch.close();
  });

  it('scans records in the order they were appended, even when appended all at once', async () => {
    const log = launch.storage.records('kept-calls');
    await Promise.all(Array.from({ length: 200 }, (_, n) => log.append({ n })));
    const { positions, values } = await valuesOf(launch.storage, 'kept-calls');
    expect(values).toEqual(Array.from({ length: 200 }, (_, n) => ({ n })));
    expect(positions).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    count(backend, 'ordered', values.length);
  });

  it('scans only what lies past a position: what another server appended since this one looked', async () => {
    const log = launch.storage.records('team-directory');
    for (let n = 0; n < 10; n++) await log.append({ n });
    const seen: { position: number; value: unknown }[] = [];
    await launch.storage.records('team-directory').scan((r) => {
      if ('value' in r) seen.push(r);
    }, 7);
    expect(seen).toEqual([
      { position: 8, value: { n: 7 } },
      { position: 9, value: { n: 8 } },
      { position: 10, value: { n: 9 } },
    ]);
    count(backend, 'scanned past a position', seen.length);
  });

  it('keeps every acknowledged record across a reopen, and appends after them', async () => {
    const log = launch.storage.records('cadence');
    for (let n = 0; n < 5; n++) await log.append({ n });
    await log.close();
    const again = (await launch.reopen()).records('cadence');
    await again.append({ n: 5 });
    const { values } = await valuesOf(launch.storage, 'cadence');
    expect(values).toEqual(Array.from({ length: 6 }, (_, n) => ({ n })));
    count(backend, 'reopened', values.length);
  });

  it('replaces a log whole (compaction); an append asked right after lands after the new records', async () => {
    const log = launch.storage.records('sampling-sessions');
    for (let n = 0; n < 10; n++) await log.append({ n });
    await Promise.all([log.replace([{ n: 100 }, { n: 101 }]), log.append({ n: 102 })]);
    expect((await valuesOf(launch.storage, 'sampling-sessions')).values).toEqual([{ n: 100 }, { n: 101 }, { n: 102 }]);
    const reopened = await launch.reopen();
    expect((await valuesOf(reopened, 'sampling-sessions')).positions).toEqual([1, 2, 3]);
    count(backend, 'compacted', 3);
  });

  it('reads, rewrites and sets aside a document', async () => {
    const doc = launch.storage.document('alert-state');
    expect(await doc.read()).toEqual({ kind: 'none' });
    await doc.write({ rules: { latency: 'firing' }, at: 1 });
    await doc.write({ rules: { latency: 'normal' }, at: 2 });
    expect(await doc.read()).toEqual({ kind: 'stored', value: { rules: { latency: 'normal' }, at: 2 } });
    const reopened = (await launch.reopen()).document('alert-state');
    expect(await reopened.read()).toEqual({ kind: 'stored', value: { rules: { latency: 'normal' }, at: 2 } });
    const kept = await reopened.setAside('unreadable-2026-03-02T09-00-00Z');
    expect(kept).toMatch(/unreadable-2026-03-02T09-00-00Z/);
    expect(await reopened.read()).toEqual({ kind: 'none' });
    await reopened.write({ at: 3 });
    expect(await launch.storage.document('alert-state').read()).toEqual({ kind: 'stored', value: { at: 3 } });
    await expect(launch.storage.document('baseline').setAside('nothing-there')).rejects.toThrow();
  });

  it('keeps the settings (T0) across a reopen', async () => {
    launch.storage.settings().set('launchClock', clock);
    expect(launch.storage.settings().get('launchClock')).toEqual(clock);
    const reopened = await launch.reopen();
    expect(reopened.settings().get('launchClock')).toEqual(clock);
  });

  it('reports a record it cannot use and loads the rest, without throwing', async () => {
    const log = launch.storage.records('kpi-history');
    for (let n = 0; n < 3; n++) await log.append({ n });
    await log.close();
    await launch.damage('kpi-history');
    const again = (await launch.reopen()).records('kpi-history');
    await again.append({ n: 3 });
    const loaded = await readRecords(launch.storage.records('kpi-history'), parseNumbered);
    expect(loaded.records).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]?.line).toBe(4);
    count(backend, 'loaded', loaded.records.length);
    count(backend, 'problems', loaded.problems.length);
  });

  it('keeps the audit chain across a reopen and gives away a changed entry', async () => {
    const audit = await AuditLog.open(launch.storage.records('audit'));
    for (let i = 1; i <= 20; i++) await audit.append({ type: 'action', operator: 'ana', summary: `Pause ${i}`, data: { i } });
    await audit.close();
    const reopened = await AuditLog.open((await launch.reopen()).records('audit'));
    expect(reopened.opened).toMatchObject({ ok: true, entries: 20 });
    expect((await reopened.append({ type: 'shift', operator: 'ben', summary: 'Shift handed to ben' })).seq).toBe(21);
    await reopened.close();
    expect(await scanAuditLog(launch.storage.records('audit'))).toMatchObject({ ok: true, entries: 21 });

    await launch.tamperAudit(7);
    const verdict = await scanAuditLog(launch.storage.records('audit'));
    expect(verdict).toMatchObject({ ok: false, firstBadLine: 7, reason: expect.stringMatching(/hash does not match/) });
    count(backend, 'audit', { entries: 21, brokenAt: verdict.firstBadLine });
  });
});

describe('storage contract: two writers on one launch', () => {
  it('files: a second console cannot take the data folder, so one writer chains every entry, even 200 asked at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storage-contract-'));
    dirs.push(dir);
    const lock = acquireDataDirLock(dir, 'console server');
    try {
      expect(() => acquireDataDirLock(dir, 'console server')).toThrow(DataDirLockedError);
      const audit = await AuditLog.open(fileStorage(dir).records('audit'));
      await Promise.all(Array.from({ length: 200 }, (_, i) => audit.append({ type: 'annotation', operator: i % 2 ? 'ana' : 'ben', summary: `note ${i}` })));
      await audit.close();
      const verdict = await scanAuditLog(fileStorage(dir).records('audit'));
      expect(verdict).toMatchObject({ ok: true, entries: 200 });
      count(files, 'writers', verdict.entries);
    } finally {
      lock.release();
    }
  });

  it('PostgreSQL: two console servers appending at once to one launch make one unbroken chain', async () => {
    const launchId = `launch-${++launchNo}`;
    const [a, b] = await Promise.all([PostgresStorage.open({ url: databaseUrl, launchId }), PostgresStorage.open({ url: databaseUrl, launchId })]);
    const [logA, logB] = await Promise.all([AuditLog.open(a.records('audit')), AuditLog.open(b.records('audit'))]);
    const appends = Array.from({ length: 100 }, (_, i) => [
      logA.append({ type: 'annotation', operator: 'ana', summary: `note ${i} from desk A` }),
      logB.append({ type: 'annotation', operator: 'ben', summary: `note ${i} from desk B` }),
    ]).flat();
    const entries = await Promise.all(appends);
    expect(new Set(entries.map((e) => e.seq)).size).toBe(200);
    await Promise.all([logA.close(), logB.close()]);
    const verdict = await scanAuditLog(a.records('audit'));
    expect(verdict).toMatchObject({ ok: true, entries: 200 });
    await Promise.all([a.close(), b.close()]);
    count(postgres, 'writers', verdict.entries);
  });
});

describe('storage contract: PostgreSQL only', () => {
  it('refuses to change, remove or replace audit entries', async () => {
    const launch = await postgres.open();
    const audit = await AuditLog.open(launch.storage.records('audit'));
    await audit.append({ type: 'action', operator: 'ana', summary: 'Stop all' });
    await expect(admin.query(`UPDATE audit_entries SET entry = '{}' WHERE seq = 1`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(admin.query('DELETE FROM audit_entries')).rejects.toThrow(/append-only: DELETE refused/);
    await expect(admin.query('TRUNCATE audit_entries')).rejects.toThrow(/append-only: TRUNCATE refused/);
    await expect(launch.storage.records('audit').replace([])).rejects.toThrow(/the audit log of launch "launch-\d+" in the PostgreSQL database .* is append-only/);
    await audit.close();
    await launch.close();
  });

  it('keeps launches in one database apart', async () => {
    const [one, two] = await Promise.all([postgres.open(), postgres.open()]);
    await one.storage.records('cadence').append({ n: 1 });
    await two.storage.records('cadence').append({ n: 2 });
    await two.storage.document('baseline').write({ p95: 900 });
    expect((await valuesOf(one.storage, 'cadence')).values).toEqual([{ n: 1 }]);
    expect((await valuesOf(two.storage, 'cadence')).values).toEqual([{ n: 2 }]);
    expect(await one.storage.document('baseline').read()).toEqual({ kind: 'none' });
    await Promise.all([one.close(), two.close()]);
  });

  it('applies the migrations once, under a lock, when several servers start together', async () => {
    const url = await freshDatabase(`${import.meta.filename}-migrations`);
    const opened = await Promise.all(Array.from({ length: 4 }, () => PostgresStorage.open({ url, launchId: 'pilot' })));
    await Promise.all(opened.map((s) => s.close()));
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    try {
      const rows = (await check.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
      expect(rows).toEqual([
        { version: 1, name: 'launch-records' },
        { version: 2, name: 'console-servers' },
      ]);
    } finally {
      await check.end();
    }
  });

  it('refuses a value PostgreSQL cannot hold, by name, and the log goes on', async () => {
    const launch = await postgres.open();
    const log = launch.storage.records('cadence');
    await expect(log.append({ note: 'a\u0000b' })).rejects.toThrow(/U\+0000/);
    await log.append({ n: 1 });
    expect((await valuesOf(launch.storage, 'cadence')).values).toEqual([{ n: 1 }]);
    await launch.close();
  });

  it('npm run audit -- verify --database checks the chain in the database as it does a file', async () => {
    const url = await freshDatabase(`${import.meta.filename}-cli`);
    const storage = await PostgresStorage.open({ url, launchId: 'pilot' });
    const audit = await AuditLog.open(storage.records('audit'));
    for (let i = 1; i <= 3; i++) await audit.append({ type: 'action', operator: 'ana', summary: `Fallback ${i}` });
    await audit.close();
    await storage.close();

    const run = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await runAuditCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
      return { code, out, err };
    };
    expect(await run('verify', '--database', url)).toEqual({ code: 0, out: 'OK: 3 entries, chain intact\n', err: '' });
    expect(await run('verify', '--database', url, '--launch', 'other')).toMatchObject({ code: 2, err: expect.stringMatching(/no launch "other" in the PostgreSQL database .*: it holds "pilot"/) });
    const csv = await run('export', '--database', url, '--launch', 'pilot', '--format', 'csv');
    expect(csv.out.trimEnd().split('\r\n')).toHaveLength(4);

    const second = await PostgresStorage.open({ url, launchId: 'rehearsal' });
    await second.close();
    expect(await run('verify', '--database', url)).toMatchObject({ code: 2, err: expect.stringMatching(/name the launch with --launch: it holds "pilot", "rehearsal"/) });

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('SET session_replication_role = replica');
    await client.query(`UPDATE audit_entries SET entry = jsonb_set(entry, '{operator}', '"ben"') WHERE launch_id = 'pilot' AND seq = 2`);
    await client.end();
    expect(await run('verify', '--database', url, '--launch', 'pilot')).toEqual({
      code: 1,
      out: 'BROKEN at seq 2: hash does not match the content: the entry was changed\n',
      err: '',
    });

    // As a command, it lets go of the database and exits.
    const root = resolve(import.meta.dirname, '../..');
    const child = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'electron/core/audit-cli.ts'), 'verify', '--database', url, '--launch', 'pilot'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect({ code, out }).toEqual({ code: 1, out: 'BROKEN at seq 2: hash does not match the content: the entry was changed\n' });
  }, 60_000);
});

describe('storage contract: PostgreSQL restarted mid-launch', () => {
  let cluster: ThrowawayCluster;
  beforeAll(async () => {
    // A cluster of its own: stopping the run's shared one would pull it from under other test files.
    cluster = await startThrowawayCluster();
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('loses nothing that was acknowledged, refuses what it could not write, and carries on after the restart', async () => {
    const url = await cluster.createDatabase('restart');
    const storage = await PostgresStorage.open({ url, launchId: 'launch-day' });
    const audit = await AuditLog.open(storage.records('audit'));
    const reviews = storage.records('cadence');
    for (let n = 0; n < 5; n++) {
      await audit.append({ type: 'action', operator: 'ana', summary: `before ${n}` });
      await reviews.append({ n });
    }

    await cluster.stop('immediate');
    await expect(audit.append({ type: 'action', operator: 'ana', summary: 'while the database is down' })).rejects.toThrow(/appending to the audit log of launch "launch-day"/);
    await expect(reviews.append({ n: -1 })).rejects.toThrow(/cadence log/);
    await cluster.start();

    for (let n = 5; n < 10; n++) {
      await audit.append({ type: 'action', operator: 'ana', summary: `after ${n}` });
      await reviews.append({ n });
    }
    await audit.close();
    await storage.close();

    const reopened = await PostgresStorage.open({ url, launchId: 'launch-day' });
    const verdict = await scanAuditLog(reopened.records('audit'));
    expect(verdict).toMatchObject({ ok: true, entries: 10 });
    expect((await valuesOf(reopened, 'cadence')).values).toEqual(Array.from({ length: 10 }, (_, n) => ({ n })));
    await reopened.close();
  }, 180_000);
});

describe('storage contract: both', () => {
  it('report the same counts for the same workload', () => {
    expect(counts.get('files')).toBeDefined();
    expect(counts.get('PostgreSQL')).toEqual(counts.get('files'));
  });
});
