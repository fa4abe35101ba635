import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import type { CallRecord } from '../../shared/protocol.js';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { scanAuditLog } from '../../electron/core/audit/chain.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { KeptCallsStore } from '../../electron/core/sampling/kept-calls-store.js';
import { acquireDataDirLock, LOCK_FILE_NAME } from '../../electron/core/storage/data-dir-lock.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import type { LaunchStorage, RecordLogName } from '../../electron/core/storage/ports.js';
import { PostgresStorage } from '../../electron/core/storage/postgres/postgres-storage.js';
import { runTeamCli } from '../../electron/core/team/cli.js';
import { ImportError, importLaunch, importSummary, IMPORTED_DOCUMENTS, IMPORTED_LOGS, type ImportProgress } from '../../electron/core/team/import-launch.js';
import { freshDatabase } from '../support/postgres-database.js';
import { memoryLog, recordLaunch } from '../support/recorded-launch.js';

/**
 * A launch run on one desk, imported into the team's database: the same records, read the same way
 * by a console on either; the audit chain going on from the folder's last hash. And every refusal
 * (a broken chain, a launch already in use, a folder a running console holds, a folder that is not
 * one) leaves the database as it was.
 */

const root = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const children: ChildProcess[] = [];
let url = '';
let admin: pg.Pool;

beforeAll(async () => {
  url = await freshDatabase(import.meta.filename);
  admin = new pg.Pool({ connectionString: url, max: 2 });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await admin?.end();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'team-import-'));
  dirs.push(dir);
  return dir;
}

function call(i: number, endedAt: number): CallRecord {
  const failed = i % 9 === 0;
  return {
    id: `call-${i}`,
    startedAt: new Date(endedAt - 90_000).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    intent: `intent_${i % 40}`,
    agentVersion: 'v2',
    route: 'agent',
    connected: true,
    outcome: failed ? 'failed' : 'completed',
    turns: [
      { speaker: 'caller', text: 'hello, where is my order', startMs: 0, endMs: 1000 },
      { speaker: 'agent', text: 'let me check that for you', startMs: 1500, endMs: 3000, latencyMs: 500 },
    ],
    toolCalls: [{ name: 'lookup', ok: !failed, latencyMs: 300 }],
    errors: [],
    safety: { pii: 0, policy: 0, injection: 0 },
  };
}

/**
 * The sampler's log after `calls` calls, made by the console's own kept-calls store: 100,000 calls
 * over 40 intents leave some 34,000 lines, as a busy launch does before its log is compacted.
 */
async function keepCalls(storage: LaunchStorage, calls: number, from: number): Promise<number> {
  const log = memoryLog('memory');
  let now = from;
  const store = await KeptCallsStore.open({ log, seed: 7, clock: () => now });
  for (let i = 0; i < calls; i++) {
    now += 500;
    store.offer(call(i, now));
  }
  await store.close();
  await storage.records('kept-calls').replace(log.records);
  return log.records.length;
}

/** A console server's configuration with nothing listening: the engine opens its records and runs with the stream down. */
const quietConfig = () => LaunchConfigSchema.parse({ stream: { url: 'http://127.0.0.1:9' }, routing: { baseUrl: 'http://127.0.0.1:9' } });

/**
 * A desk's console run once on the folder: it reads every record back, writes its documents (alert
 * state, the ladder) and marks the review notices it shows. Those are written one after another after
 * the tick, and `stop` does not wait for the ones not yet begun: the folder is left alone until its
 * cadence log stops growing.
 */
async function runDeskConsole(dataDir: string, now: number): Promise<void> {
  const service = await ConsoleService.open({ config: quietConfig(), dataDir, now: () => now });
  service.tick();
  const cadence = join(dataDir, 'cadence.jsonl');
  let size = -1;
  while (statSync(cadence).size !== size) {
    size = statSync(cadence).size;
    await new Promise((r) => setTimeout(r, 200));
  }
  await service.stop();
}

/** Every file of a folder by a digest of its content. */
function folderDigests(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

/** Every record of a log in order, as a count and a digest of each value's canonical JSON (jsonb orders keys its own way). */
async function fingerprint(storage: LaunchStorage, name: RecordLogName): Promise<{ records: number; damaged: number[]; digest: string }> {
  const hash = createHash('sha256');
  let records = 0;
  const damaged: number[] = [];
  const log = storage.records(name);
  await log.scan((r) => {
    if ('damage' in r) {
      damaged.push(r.position);
      return;
    }
    records++;
    hash.update(canonicalJson(r.value)).update('\n');
  });
  await log.close();
  return { records, damaged, digest: hash.digest('hex') };
}

async function entriesOf(storage: LaunchStorage): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  const log = storage.records('audit');
  const scan = await scanAuditLog(log, (e) => entries.push(e));
  await log.close();
  expect(scan.ok).toBe(true);
  return entries;
}

/** Everything a launch holds in the database, row by row, to show a refusal changed nothing. */
async function rowsOf(launchId: string): Promise<Record<string, unknown[]>> {
  const tables = {
    launches: 'SELECT launch_id, created_at FROM launches WHERE launch_id = $1',
    record_logs: 'SELECT log, last_position FROM record_logs WHERE launch_id = $1 ORDER BY log',
    audit_entries: 'SELECT seq, entry, written_at FROM audit_entries WHERE launch_id = $1 ORDER BY seq',
    records: 'SELECT log, position, value, written_at FROM records WHERE launch_id = $1 ORDER BY log, position',
    documents: 'SELECT name, value, written_at FROM documents WHERE launch_id = $1 ORDER BY name',
    documents_set_aside: 'SELECT id, name, value FROM documents_set_aside WHERE launch_id = $1 ORDER BY id',
    settings: 'SELECT key, value, written_at FROM settings WHERE launch_id = $1 ORDER BY key',
  };
  const out: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(tables)) out[table] = (await admin.query(sql, [launchId]).catch(() => ({ rows: [] }))).rows;
  return out;
}

const NOTHING = { launches: [], record_logs: [], audit_entries: [], records: [], documents: [], documents_set_aside: [], settings: [] };

/** A small desk launch written through the console's stores: audit entries appended one by one with fsync, a review log, a document, T0. */
async function smallDesk(entries = 12): Promise<string> {
  const dir = tempDir();
  const storage = fileStorage(dir);
  storage.settings().set('launchClock', { t0: '2026-03-02T09:00:00.000Z', setBy: 'Ana Ortiz', setAt: '2026-03-02T09:00:05.000Z', source: 'operator' });
  let now = Date.parse('2026-03-02T09:00:00Z');
  const audit = await AuditLog.open(storage.records('audit'), { now: () => (now += 1000) });
  for (let i = 1; i <= entries; i++) await audit.append({ type: 'annotation', operator: 'Ana Ortiz', summary: `Annotated call-${i}: pass`, data: { callId: `call-${i}` } });
  await audit.close();
  const cadence = storage.records('cadence');
  for (let n = 0; n < 3; n++) await cadence.append({ n });
  await cadence.close();
  await storage.document('baseline').write({ capturedAt: '2026-03-02T10:00:00.000Z', kpis: { taskCompletion: 0.91 } });
  return dir;
}

function expectImportError(promise: Promise<unknown>, problem: string, message: RegExp): Promise<void> {
  return promise.then(
    () => {
      throw new Error(`the import was expected to stop with ${problem}`);
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(ImportError);
      expect((e as ImportError).problem).toBe(problem);
      expect((e as ImportError).committed).toBe(false);
      expect((e as Error).message).toMatch(message);
    },
  );
}

/** The folder is free again: the import gave its lock back. */
function expectFolderFree(dir: string): void {
  expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  acquireDataDirLock(dir, 'web host').release();
}

describe('importing a launch begun on one desk into the team database', () => {
  it('copies every record, document and setting; the chain goes on from the folder\'s last hash and a team console reads the same launch', async () => {
    const dir = tempDir();
    const launch = await recordLaunch(dir);
    const folder = fileStorage(dir);
    const keptLines = await keepCalls(folder, 100_000, launch.end - 48 * 3_600_000);
    await runDeskConsole(dir, launch.end);
    const filesBefore = folderDigests(dir);

    const progress: ImportProgress[] = [];
    const started = performance.now();
    const result = await importLaunch({ dataDir: dir, target: { url, launchId: 'spring-launch' }, progress: (p) => progress.push(p) });
    const tookMs = performance.now() - started;

    // The folder is read, never changed, and given back.
    expect(folderDigests(dir)).toEqual(filesBefore);
    expectFolderFree(dir);

    // Every log: the same records in the same order; every count the folder's.
    const team = await PostgresStorage.open({ url, launchId: 'spring-launch' });
    const counted: Record<string, number> = {};
    for (const name of IMPORTED_LOGS) {
      const [mine, theirs] = [await fingerprint(folder, name), await fingerprint(team, name)];
      expect(theirs, name).toEqual({ ...mine, damaged: [] });
      expect(mine.damaged, name).toEqual([]);
      expect(result.logs[name], name).toEqual({ copied: mine.records, skipped: [], inDatabase: mine.records });
      counted[name] = mine.records;
    }
    expect(counted).toMatchObject({ audit: launch.auditEntries, 'kept-calls': keptLines, 'kpi-history': 2880, rehearsals: 1 });
    expect(counted['kept-calls']).toBeGreaterThan(30_000);

    // The audit entries verbatim, the chain verified on both sides, ending on the same hash.
    const [deskEntries, teamEntries] = [await entriesOf(folder), await entriesOf(team)];
    expect(teamEntries).toEqual(deskEntries);
    const last = deskEntries.at(-1)!;
    expect(result.audit).toEqual({
      entries: launch.auditEntries,
      lastHash: last.hash,
      before: { ok: true, entries: launch.auditEntries, tornLines: [] },
      after: { ok: true, entries: launch.auditEntries, tornLines: [] },
      tornLines: [],
    });
    expect(await admin.query('SELECT last_position FROM record_logs WHERE launch_id = $1 AND log = $2', ['spring-launch', 'audit'])).toMatchObject({
      rows: [{ last_position: String(last.seq) }],
    });

    // Documents and T0 as the desk left them.
    for (const name of IMPORTED_DOCUMENTS) expect(await team.document(name).read(), name).toEqual(await folder.document(name).read());
    expect(result.documents).toMatchObject({ 'alert-state': { status: 'copied' }, 'rollout-ladder': { status: 'copied' }, 'pending-actions': { status: 'absent' } });
    expect(team.settings().get('launchClock')).toEqual(folder.settings().get('launchClock'));
    expect(result.settings).toEqual(['launchClock']);

    // A console on either storage shows the same launch.
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    const onDesk = await ConsoleService.open({ config: quietConfig(), dataDir: copy, now: () => launch.end });
    const onTeam = await ConsoleService.open({ config: quietConfig(), dataDir: tempDir(), storage: team, now: () => launch.end });
    const [deskView, teamView] = [onDesk.snapshot(), onTeam.snapshot()];
    expect(teamView.cadence).toEqual(deskView.cadence);
    expect(teamView.sampling).toEqual(deskView.sampling);
    expect(teamView.sampling.keptCalls).toBeGreaterThan(0);
    expect(teamView.alerts).toEqual(deskView.alerts);
    expect(teamView.rollout).toEqual(deskView.rollout);
    expect(teamView.gates).toEqual(deskView.gates);
    expect(teamView.operator).toEqual(deskView.operator);
    await onDesk.stop();
    await onTeam.stop();

    // The next entry a team console writes continues the desk's chain.
    const audit = await AuditLog.open(team.records('audit'));
    expect(audit.opened).toMatchObject({ ok: true, entries: launch.auditEntries });
    const next = await audit.append({ type: 'team', operator: 'admin', summary: 'Launch moved to the team database', data: {} });
    expect(next).toMatchObject({ seq: last.seq + 1, prevHash: last.hash });
    await audit.close();
    const log = team.records('audit');
    expect(await scanAuditLog(log)).toMatchObject({ ok: true, entries: launch.auditEntries + 1 });
    await log.close();
    await team.close();

    const summary = importSummary(result);
    expect(summary).toContain(`audit: ${launch.auditEntries} entries, chain verified before and after (last hash ${last.hash.slice(0, 12)}…)`);
    expect(summary).toContain(`kept-calls: ${keptLines} records`);
    expect(summary).toContain('settings: launchClock');
    expect(progress[0]).toEqual({ phase: 'verify-folder' });
    expect(progress).toContainEqual({ phase: 'copy', log: 'kept-calls', records: keptLines });
    expect(progress.at(-1)).toEqual({ phase: 'verify-database' });

    const total = Object.values(counted).reduce((a, b) => a + b, 0);
    console.info(`imported ${total} records (${JSON.stringify(counted)}) in ${Math.round(tookMs)} ms`);
  }, 180_000);

  it.each([
    {
      change: 'an entry edited',
      damage: (lines: string[]) => (lines[6] = lines[6]!.replace(/"summary":"[^"]*"/, '"summary":"nothing happened"')),
      message: /BROKEN at seq 7 \(line 7 of .*audit\.jsonl\): hash does not match the content: the entry was changed/,
    },
    {
      change: 'an entry removed',
      damage: (lines: string[]) => lines.splice(6, 1),
      message: /BROKEN at seq 8 \(line 7 of .*audit\.jsonl\): prevHash does not match the entry before it/,
    },
    {
      change: 'a line damaged that later entries do not skip',
      damage: (lines: string[]) => (lines[6] = lines[6]!.slice(0, 40)),
      message: /BROKEN at line 7 of .*audit\.jsonl \(after seq 6\): not valid JSON .* damaged, not torn by a crash/,
    },
  ])('refuses a folder whose audit chain is broken ($change), naming where, and writes nothing', async ({ damage, message }) => {
    const dir = await smallDesk();
    const path = join(dir, 'audit.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    damage(lines);
    writeFileSync(path, lines.join('\n'));

    await expectImportError(importLaunch({ dataDir: dir, target: { url, launchId: 'broken-launch' } }), 'chain-broken', message);
    expect(await rowsOf('broken-launch')).toEqual(NOTHING);
    expectFolderFree(dir);
  });

  it('refuses a launch that already holds records, naming what it holds, and leaves it unchanged', async () => {
    const busy = await PostgresStorage.open({ url, launchId: 'busy-launch' });
    const audit = await AuditLog.open(busy.records('audit'));
    await audit.append({ type: 'team', operator: 'admin', summary: 'admin added Ana to the team as operator', data: {} });
    await audit.append({ type: 'team', operator: 'admin', summary: 'admin issued a sign-in link for Ana', data: {} });
    await audit.close();
    await busy.records('kept-calls').append({ t: 'tally', cells: [], seen: [], nf: 0, rng: [1, 2, 3, 4] });
    await busy.document('baseline').write({ kpis: {} });
    await busy.close();
    const before = await rowsOf('busy-launch');

    const dir = await smallDesk();
    await expectImportError(
      importLaunch({ dataDir: dir, target: { url, launchId: 'busy-launch' } }),
      'target-not-empty',
      /launch "busy-launch" in the PostgreSQL database .* already holds 2 audit entries, 1 kept-calls record and the baseline document: .* Nothing was imported/,
    );
    expect(await rowsOf('busy-launch')).toEqual(before);

    // A setting alone (T0 set by a team console) is a record too.
    const clocked = await PostgresStorage.open({ url, launchId: 'clocked-launch' });
    clocked.settings().set('launchClock', { t0: '2026-03-03T09:00:00.000Z', setBy: 'Ben Lee', setAt: '2026-03-03T09:00:00.000Z', source: 'operator' });
    await clocked.close();
    const clockedBefore = await rowsOf('clocked-launch');
    await expectImportError(importLaunch({ dataDir: dir, target: { url, launchId: 'clocked-launch' } }), 'target-not-empty', /already holds the launchClock setting/);
    expect(await rowsOf('clocked-launch')).toEqual(clockedBefore);

    // A launch a console opened but wrote nothing to is empty: the import goes in.
    await (await PostgresStorage.open({ url, launchId: 'opened-launch' })).close();
    const result = await importLaunch({ dataDir: dir, target: { url, launchId: 'opened-launch' } });
    expect(result.audit.entries).toBe(12);
    expect(result.logs.cadence.copied).toBe(3);
    expectFolderFree(dir);
  });

  it('refuses a folder a running console holds, naming it, and imports once that console is gone', async () => {
    const dir = await smallDesk();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'electron/web-host.ts'), '--port', '0', '--data-dir', dir], {
      cwd: root,
      env: { ...process.env, LAUNCH_STREAM_URL: 'http://127.0.0.1:9', LAUNCH_ROUTING_URL: 'http://127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    await expect.poll(() => (child.exitCode === null ? out : `the web host exited: ${err}`), { timeout: 30_000 }).toContain('Launch Console at ');

    await expectImportError(
      importLaunch({ dataDir: dir, target: { url, launchId: 'held-launch' } }),
      'folder-locked',
      new RegExp(`the data folder ${dir} is in use by another console: web host, pid ${child.pid}, .* Nothing was imported`),
    );
    expect(await rowsOf('held-launch')).toEqual(NOTHING);
    // The running console keeps its lock.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: child.pid, host: 'web host' });

    // Killed as a crash would: its lock is left behind, stale, and the import takes it over.
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const result = await importLaunch({ dataDir: dir, target: { url, launchId: 'held-launch' } });
    expect(result.audit.before.ok).toBe(true);
    expect(result.audit.entries).toBeGreaterThanOrEqual(12);
    expectFolderFree(dir);
  }, 60_000);

  it('refuses what is not a data folder, naming it, and creates nothing', async () => {
    const missing = join(tempDir(), 'no-such-folder');
    await expectImportError(importLaunch({ dataDir: missing, target: { url, launchId: 'nowhere' } }), 'not-a-data-folder', new RegExp(`${missing} is not a data folder: there is no such folder`));
    expect(existsSync(missing)).toBe(false);

    const empty = tempDir();
    await expectImportError(importLaunch({ dataDir: empty, target: { url, launchId: 'nowhere' } }), 'not-a-data-folder', new RegExp(`${empty} is not a launch's data folder: it has no audit log`));
    expect(readdirSync(empty)).toEqual([]);

    const file = join(tempDir(), 'audit.jsonl');
    writeFileSync(file, '');
    await expectImportError(importLaunch({ dataDir: file, target: { url, launchId: 'nowhere' } }), 'not-a-data-folder', /is not a data folder: it is a file/);

    const badSettings = await smallDesk();
    writeFileSync(join(badSettings, 'settings.json'), '{"launchClock": {"t0": ');
    await expectImportError(importLaunch({ dataDir: badSettings, target: { url, launchId: 'nowhere' } }), 'folder-unusable', /settings file .*settings\.json.* Nothing was imported/);
    expectFolderFree(badSettings);
    expect(await rowsOf('nowhere')).toEqual(NOTHING);
  });

  it('reports torn and damaged lines: refused in the audit log unless accepted, left out and named elsewhere', async () => {
    const dir = await smallDesk(5);
    const storage = fileStorage(dir);
    // A crash mid-write tears the last line; the next console starts a fresh line after it and chains past it.
    appendFileSync(join(dir, 'audit.jsonl'), '{"seq":6,"ts":"2026-03-02T09:00:');
    const audit = await AuditLog.open(storage.records('audit'));
    for (let i = 6; i <= 10; i++) await audit.append({ type: 'annotation', operator: 'Ben Lee', summary: `Annotated call-${i}: fail`, data: {} });
    await audit.close();
    const written = storage.records('kpi-history');
    await written.append({ m: 1, o: 1 });
    await written.close();
    appendFileSync(join(dir, 'kpi-history.jsonl'), '{"m":2,"o"');
    const history = storage.records('kpi-history');
    await history.append({ m: 3, o: 1 });
    await history.append({ m: 4, o: 1, note: 'nul \u0000 inside' });
    await history.append({ m: 5, o: 1, note: 'half a pair \ud800' });
    await history.close();

    await expectImportError(
      importLaunch({ dataDir: dir, target: { url, launchId: 'torn-launch' } }),
      'torn-audit-lines',
      /audit\.jsonl has 1 line torn by a crash mid-write \(line 6\)\. The chain verifies past them, so no entry is missing.*Nothing was imported/,
    );
    expect(await rowsOf('torn-launch')).toEqual(NOTHING);

    const result = await importLaunch({ dataDir: dir, target: { url, launchId: 'torn-launch' }, acceptTornAuditLines: true });
    expect(result.audit).toMatchObject({ entries: 10, tornLines: [6], before: { ok: true, entries: 10, tornLines: [6] }, after: { ok: true, entries: 10, tornLines: [] } });
    expect(result.logs.audit).toEqual({ copied: 10, skipped: [{ line: 6, reason: 'torn by a crash mid-write (the chain skips it)' }], inDatabase: 10 });
    expect(result.logs['kpi-history'].copied).toBe(2);
    expect(result.logs['kpi-history'].skipped).toEqual([
      { line: 2, reason: expect.stringMatching(/^not valid JSON/) },
      { line: 4, reason: expect.stringMatching(/U\+0000/) },
      { line: 5, reason: expect.stringMatching(/surrogate/) },
    ]);
    const team = await PostgresStorage.open({ url, launchId: 'torn-launch' });
    expect((await fingerprint(team, 'kpi-history')).records).toBe(2);
    expect((await entriesOf(team)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await team.close();
    const summary = importSummary(result);
    expect(summary).toContain('left out 1 line torn by a crash (line 6)');
    expect(summary).toMatch(/kpi-history: 2 records\n {2}left out 3 unreadable lines \(lines 2, 4, 5; line 2: not valid JSON/);
  });

  it('refuses an audit entry PostgreSQL cannot store, naming its seq, and writes nothing', async () => {
    const dir = await smallDesk(3);
    const audit = await AuditLog.open(fileStorage(dir).records('audit'));
    await audit.append({ type: 'annotation', operator: 'Ana Ortiz', summary: 'pasted from a terminal \u0000 here', data: {} });
    await audit.close();
    await expectImportError(
      importLaunch({ dataDir: dir, target: { url, launchId: 'nul-launch' } }),
      'entry-not-storable',
      /the audit entry seq 4 \(line 4 of .*audit\.jsonl\) holds text PostgreSQL cannot store .* Nothing was imported/,
    );
    expect(await rowsOf('nul-launch')).toEqual(NOTHING);
  });
});

describe('npm run team -- import', () => {
  it('imports a desk folder, says what it copied, and records the import in the team\'s log after the desk\'s last entry', async () => {
    const dataDir = await smallDesk(6);
    const dir = tempDir();
    const configFile = join(dir, 'launch.json');
    writeFileSync(configFile, JSON.stringify({ launchName: 'Cli import', team: { launchId: 'cli-import' } }));
    let out = '';
    let err = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t), env: {}, cwd: dir };
    expect(await runTeamCli(['import', dataDir, '--config', configFile, '--database', url, '--by', 'ana'], io)).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/audit/i);
    const storage = await PostgresStorage.open({ url, launchId: 'cli-import' });
    try {
      const entries = await entriesOf(storage);
      expect(entries.length).toBe(7);
      expect(entries.at(-1)).toMatchObject({ type: 'team', operator: 'ana' });
      expect(entries.at(-1)?.summary).toContain('verified before and after');
    } finally {
      await storage.close();
    }
    // A second import into the same launch is refused, and said so without a stack trace.
    out = '';
    expect(await runTeamCli(['import', dataDir, '--config', configFile, '--database', url], io)).toBe(1);
    expect(err).toMatch(/already holds/);
  });
});
