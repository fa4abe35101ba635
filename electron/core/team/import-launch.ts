import { accessSync, constants, statSync } from 'node:fs';
import type { AuditEntry, AuditVerifyResult } from '../../../shared/audit.js';
import { canonicalJson } from '../../../shared/canonical-json.js';
import { scanAuditChain, scanAuditLog, ChainChecker } from '../audit/chain.js';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from '../storage/data-dir-lock.js';
import { fileStorage } from '../storage/file-storage.js';
import type { DocumentName, LaunchStorage, RecordLogName, StoredRecord } from '../storage/ports.js';
import { createPool, describeDatabase, jsonbText, PostgresStorageError, reasonOf } from '../storage/postgres/database.js';
import { migrate } from '../storage/postgres/migrate.js';
import { PostgresStorage } from '../storage/postgres/postgres-storage.js';
import { ConsoleSettingsSchema, type SettingKey, type SettingsStore } from '../storage/settings-store.js';
import { storedRecordsOf } from '../storage/line-reader.js';
import { checkWrittenChain, countRecords, describeHoldings, inOneTransaction, insertDocument, insertSetting, lockLaunch, LogWriter } from './import-target.js';

/** Every record log and document a launch keeps; the types make a new name a compile error here until it is added. */
const LOGS: Record<RecordLogName, true> = {
  audit: true,
  cadence: true,
  'sampling-sessions': true,
  'kept-calls': true,
  'kpi-history': true,
  gates: true,
  rehearsals: true,
  'team-directory': true,
};
const DOCUMENTS: Record<DocumentName, true> = {
  'alert-state': true,
  baseline: true,
  'pending-actions': true,
  'sampling-counted-until': true,
  'rollout-ladder': true,
  'team-handover': true,
  'stream-marks': true,
};
export const IMPORTED_LOGS = Object.keys(LOGS) as RecordLogName[];
export const IMPORTED_DOCUMENTS = Object.keys(DOCUMENTS) as DocumentName[];

export interface ImportLaunchOptions {
  /** The desk's data folder (the one `--data-dir` named). It is read, never changed; its lock is held meanwhile. */
  dataDir: string;
  /** The team's database and the launch to fill; the launch must hold no records yet. */
  target: { url: string; launchId: string };
  /** When the import's lock on the folder says it started, and how long the import took. */
  now?: () => number;
  /** Told as the import goes on: for a progress line on a long copy. */
  progress?: (event: ImportProgress) => void;
  /**
   * Leave out the lines of the folder's audit log torn by a crash mid-write (the chain verifies past
   * them: no entry is lost). By default the import refuses them, so someone decides.
   */
  acceptTornAuditLines?: boolean;
}

export type ImportProgress =
  | { phase: 'verify-folder' }
  | { phase: 'copy'; log: RecordLogName; records: number }
  | { phase: 'copy-documents' }
  | { phase: 'verify-database' };

/** A record of the folder that was not copied: where it is in its file, and why. */
export interface SkippedRecord {
  /** The line of the file (1-based). */
  line: number;
  reason: string;
}

export interface LogImport {
  /** Records written to the database, in the folder's order. */
  copied: number;
  /** Lines left out: torn or damaged (not JSON), or holding what PostgreSQL cannot store. The folder keeps them. */
  skipped: SkippedRecord[];
  /** Records the console reads from the database after the import (a scan through its storage): equals `copied`. */
  inDatabase: number;
}

export type DocumentImport = { status: 'copied' } | { status: 'absent' } | { status: 'skipped'; reason: string };

export interface ImportResult {
  dataDir: string;
  launchId: string;
  /** The launch in words, without the password: `launch "spring" in the PostgreSQL database launches on db:5432`. */
  target: string;
  audit: {
    /** Entries copied, each as stored in the folder: same seq, ts, operator, prevHash and hash. */
    entries: number;
    /** The hash of the newest entry, the same in the folder and the database (null for an empty log). */
    lastHash: string | null;
    /** The folder's chain, checked before anything was written (as `npm run audit -- verify <file>`). */
    before: AuditVerifyResult;
    /** The database's chain, read back through the console's PostgreSQL storage after the commit. */
    after: AuditVerifyResult;
    /** Lines torn by a crash, left out (only with `acceptTornAuditLines`). */
    tornLines: number[];
  };
  /** Every record log, the audit log included. */
  logs: Record<RecordLogName, LogImport>;
  documents: Record<DocumentName, DocumentImport>;
  /** The settings copied (T0 is `launchClock`); a setting still at its default is not written. */
  settings: SettingKey[];
  tookMs: number;
}

/** Why an import stopped. Each left the database as it was, but for those found after the commit (`committed`). */
export type ImportProblem =
  | 'not-a-data-folder'
  | 'folder-locked'
  | 'folder-unusable'
  | 'chain-broken'
  | 'torn-audit-lines'
  | 'entry-not-storable'
  | 'folder-changed'
  | 'target-not-empty'
  | 'database-differs'
  | 'unverified';

/**
 * An import that stopped, with the message to show. Refusals are made before the copy commits, so
 * nothing was written (`committed` false). After the commit only two can come: `database-differs`
 * (reading the launch back found something else) and `unverified` (it could not be read back).
 * A database that fails (down, refusing) is a `PostgresStorageError` instead, also with nothing written.
 */
export class ImportError extends Error {
  override readonly name = 'ImportError';

  constructor(
    readonly problem: ImportProblem,
    message: string,
    readonly committed = false,
  ) {
    super(message);
  }
}

/**
 * Moves a launch begun on one desk into the team's PostgreSQL database, unchanged.
 *
 * Takes the data folder's lock (a running console is refused, and none can start meanwhile),
 * verifies the folder's audit chain, refuses a target launch that already holds any record, then
 * copies every record log record by record in order (audit entries verbatim, hashes untouched),
 * every document and the settings (T0), in one transaction: a failure or a refusal writes nothing.
 * Before committing, the audit chain is read back and checked; after, it is checked again through
 * the console's own PostgreSQL storage, as a console will read it, and its newest hash compared with
 * the folder's. Damaged or torn lines of the other logs are left out and reported with their line
 * numbers; the folder itself is never changed.
 *
 * Rejects with an `ImportError` (see its `problem`) or a `PostgresStorageError`.
 */
export async function importLaunch(options: ImportLaunchOptions): Promise<ImportResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const { dataDir } = options;
  const { url, launchId } = options.target;
  if (launchId.trim() === '') throw new PostgresStorageError('a launch id is needed to keep a launch in PostgreSQL');

  const auditPath = requireDataFolder(dataDir);
  const lock = lockFolder(dataDir, now);
  try {
    const folder = fileStorage(dataDir);
    const settings = readSettings(folder);
    options.progress?.({ phase: 'verify-folder' });
    const before = verifyFolderChain(dataDir, auditPath, options.acceptTornAuditLines ?? false);
    const documents = await readDocuments(folder);
    requireReadableLogs(folder, dataDir);

    const where = `launch "${launchId}" in the ${describeDatabase(url)}`;
    const pool = createPool(url, { max: 2 });
    try {
      await migrate(pool).catch((e: unknown) => {
        throw new PostgresStorageError(`preparing the tables of the ${describeDatabase(url)} failed: ${reasonOf(e)}`);
      });
      const copied = await inOneTransaction(pool, `importing the data folder ${dataDir} into ${where}`, async (client) => {
        const holdings = describeHoldings(await lockLaunch(client, launchId, IMPORTED_LOGS, describeDatabase(url)));
        if (holdings !== null) {
          throw new ImportError(
            'target-not-empty',
            `${where} already holds ${holdings}: a launch is imported only into one that holds no records yet (not even operators added or a T0 set there), ` +
              'so nothing stored is lost or mixed. Nothing was imported.',
          );
        }
        const logs = {} as Record<RecordLogName, Omit<LogImport, 'inDatabase'>>;
        for (const name of IMPORTED_LOGS) {
          const path = folder.records(name).location;
          const writer = new LogWriter(client, launchId, name, where, (records) => options.progress?.({ phase: 'copy', log: name, records }));
          logs[name] = name === 'audit' ? await copyAudit(path, writer, before, dataDir) : await copyLog(path, writer);
        }
        options.progress?.({ phase: 'copy-documents' });
        for (const [name, doc] of Object.entries(documents) as [DocumentName, FolderDocument][]) {
          if (doc.kind === 'stored') await insertDocument(client, launchId, name, doc.text, where);
        }
        for (const s of settings) await insertSetting(client, launchId, s.key, s.text, where);

        // Read back before committing: audit rows cannot be removed once committed.
        const written = await checkWrittenChain(client, launchId, where);
        const problem = chainMismatch(written, before.scan, 'seq');
        if (problem) throw new ImportError('database-differs', `the audit entries written to ${where} ${problem}. Nothing was imported.`);
        const counts = await countRecords(client, launchId, where);
        for (const name of IMPORTED_LOGS) {
          if (name !== 'audit' && (counts.get(name) ?? 0) !== logs[name].copied) {
            throw new ImportError('database-differs', `${where} holds ${counts.get(name) ?? 0} ${name} records where ${logs[name].copied} were copied. Nothing was imported.`);
          }
        }
        return logs;
      });

      options.progress?.({ phase: 'verify-database' });
      const storage = await PostgresStorage.open({ url, launchId, pool }).catch((e: unknown) => {
        throw unverified(where, e);
      });
      try {
        const after = await verifyDatabase(storage, { before: before.scan, logs: copied, documents, settings }).catch((e: unknown) => {
          throw e instanceof ImportError ? e : unverified(where, e);
        });
        const lastHash = before.scan.last?.hash ?? null;
        return {
          dataDir,
          launchId,
          target: storage.description,
          audit: { entries: before.scan.entries, lastHash, before: verdict(before.scan), after: after.audit, tornLines: before.scan.tornLines },
          logs: Object.fromEntries(IMPORTED_LOGS.map((name) => [name, { ...copied[name], inDatabase: after.counts[name] }])) as Record<RecordLogName, LogImport>,
          documents: Object.fromEntries(IMPORTED_DOCUMENTS.map((name) => [name, documentImport(documents[name])])) as Record<DocumentName, DocumentImport>,
          settings: settings.map((s) => s.key),
          tookMs: now() - started,
        };
      } finally {
        await storage.close();
      }
    } finally {
      await pool.end().catch(() => undefined);
    }
  } finally {
    lock.release();
  }
}

/** The copy was committed but could not be read back to be checked. */
function unverified(where: string, e: unknown): ImportError {
  return new ImportError(
    'unverified',
    `the import was committed to ${where}, but reading it back to check it failed: ${reasonOf(e)}. Check it with npm run audit -- verify --database before using it.`,
    true,
  );
}

/** The result in a few lines for the command line. */
export function importSummary(r: ImportResult): string {
  const lines = [`Imported the data folder ${r.dataDir} into ${r.target} in ${(r.tookMs / 1000).toFixed(1)} s.`];
  const hash = r.audit.lastHash ? ` (last hash ${r.audit.lastHash.slice(0, 12)}…)` : '';
  lines.push(`audit: ${r.audit.entries} ${plural(r.audit.entries, 'entry', 'entries')}, chain verified before and after${hash}`);
  if (r.audit.tornLines.length > 0) {
    lines.push(`  left out ${r.audit.tornLines.length} ${plural(r.audit.tornLines.length, 'line', 'lines')} torn by a crash (${listLines(r.audit.tornLines)}); the chain skips them, no entry is missing`);
  }
  for (const name of IMPORTED_LOGS) {
    if (name === 'audit') continue;
    const log = r.logs[name];
    if (log.copied === 0 && log.skipped.length === 0) continue;
    lines.push(`${name}: ${log.copied} ${plural(log.copied, 'record', 'records')}`);
    if (log.skipped.length > 0) {
      const first = log.skipped[0]!;
      lines.push(`  left out ${log.skipped.length} unreadable ${plural(log.skipped.length, 'line', 'lines')} (${listLines(log.skipped.map((s) => s.line))}; line ${first.line}: ${first.reason})`);
    }
  }
  const copiedDocs = IMPORTED_DOCUMENTS.filter((d) => r.documents[d].status === 'copied');
  lines.push(`documents: ${copiedDocs.length > 0 ? copiedDocs.join(', ') : 'none'}`);
  for (const d of IMPORTED_DOCUMENTS) {
    const doc = r.documents[d];
    if (doc.status === 'skipped') lines.push(`  left out ${d}: ${doc.reason}`);
  }
  lines.push(`settings: ${r.settings.length > 0 ? r.settings.join(', ') : 'none set'}`);
  lines.push('The data folder is left as it was: run this launch\'s consoles on the database from now on, not on the folder.');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The folder

/** The folder's audit log path, once the folder is known to be a launch's data folder. */
function requireDataFolder(dataDir: string): string {
  let isDir: boolean;
  try {
    isDir = statSync(dataDir).isDirectory();
  } catch (e) {
    throw new ImportError('not-a-data-folder', `${dataDir} is not a data folder: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such folder' : reasonOf(e)}`);
  }
  if (!isDir) throw new ImportError('not-a-data-folder', `${dataDir} is not a data folder: it is a file`);
  // fileStorage makes the folder if it is missing; it exists, so nothing is made here.
  const auditPath = fileStorage(dataDir).records('audit').location;
  try {
    if (!statSync(auditPath).isFile()) throw new Error(`${auditPath} is not a file`);
    accessSync(auditPath, constants.R_OK);
    accessSync(dataDir, constants.R_OK | constants.X_OK);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ImportError(
      'not-a-data-folder',
      missing ? `${dataDir} is not a launch's data folder: it has no audit log (${auditPath})` : `the data folder ${dataDir} cannot be read: ${(e as Error).message}`,
    );
  }
  return auditPath;
}

function lockFolder(dataDir: string, now: () => number): DataDirLock {
  try {
    // There is no host kind for an import; a console starting meanwhile is told a console server holds the folder.
    return acquireDataDirLock(dataDir, 'console server', now);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      throw new ImportError('folder-locked', `${e.message} A launch is imported from a folder no console is writing to. Nothing was imported.`);
    }
    throw new ImportError('folder-unusable', `cannot take the lock of the data folder ${dataDir} for the import: ${reasonOf(e)}`);
  }
}

/** Every log file there is can be read: found now, not half-way through the copy. */
function requireReadableLogs(folder: LaunchStorage, dataDir: string): void {
  for (const name of IMPORTED_LOGS) {
    const path = folder.records(name).location;
    try {
      if (!statSync(path).isFile()) throw new Error('it is not a file');
      accessSync(path, constants.R_OK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new ImportError('folder-unusable', `the ${name} log of the data folder ${dataDir} (${path}) cannot be read: ${(e as Error).message}. Nothing was imported.`);
    }
  }
}

interface FolderSetting {
  key: SettingKey;
  value: unknown;
  text: string;
}

/** The settings that differ from their defaults (a T0 that was set), refused if the file cannot be read. */
function readSettings(folder: LaunchStorage): FolderSetting[] {
  let store: SettingsStore;
  try {
    store = folder.settings();
  } catch (e) {
    throw new ImportError('folder-unusable', `${(e as Error).message}. Nothing was imported.`);
  }
  const defaults = ConsoleSettingsSchema.parse({});
  return (Object.keys(ConsoleSettingsSchema.shape) as SettingKey[]).flatMap((key) => {
    const value = store.get(key);
    if (canonicalJson(value) === canonicalJson(defaults[key])) return [];
    return [{ key, value, text: storableText(value) ?? failSetting(key, store.location) }];
  });
}

function failSetting(key: string, location: string): never {
  throw new ImportError('folder-unusable', `the setting ${key} in ${location} holds text PostgreSQL cannot store. Nothing was imported.`);
}

interface FolderChain {
  scan: ReturnType<typeof scanAuditChain>;
}

/** The folder's chain as `npm run audit -- verify <file>` checks it; a break or (unless accepted) a torn line refuses the import. */
function verifyFolderChain(dataDir: string, auditPath: string, acceptTorn: boolean): FolderChain {
  const scan = scanAuditChain(auditPath);
  if (!scan.ok) {
    const line = scan.firstBadLine ?? 0;
    throw new ImportError(
      'chain-broken',
      `the audit log of the data folder ${dataDir} is BROKEN at ${whereInAudit(auditPath, line)}: ${scan.reason ?? 'unknown reason'}. ` +
        `Nothing was imported; \`npm run audit -- verify ${auditPath}\` shows the same.`,
    );
  }
  if (scan.tornLines.length > 0 && !acceptTorn) {
    const n = scan.tornLines.length;
    throw new ImportError(
      'torn-audit-lines',
      `the audit log ${auditPath} has ${n} ${plural(n, 'line', 'lines')} torn by a crash mid-write (${listLines(scan.tornLines)}). ` +
        'The chain verifies past them, so no entry is missing, but they cannot be copied. Nothing was imported; import again accepting torn lines to leave them out (the folder keeps them).',
    );
  }
  return { scan };
}

/** "seq 212 (line 214 of …)", or for a line that is no entry, the seq it follows. */
function whereInAudit(auditPath: string, line: number): string {
  let previous: number | null = null;
  for (const record of storedRecordsOf(auditPath)) {
    const seq = 'value' in record ? seqOf(record.value) : null;
    if (record.position === line) {
      if (seq !== null) return `seq ${seq} (line ${line} of ${auditPath})`;
      break;
    }
    if (seq !== null) previous = seq;
  }
  return `line ${line} of ${auditPath} (${previous === null ? 'before the first entry' : `after seq ${previous}`})`;
}

function seqOf(value: unknown): number | null {
  const seq = typeof value === 'object' && value !== null ? (value as { seq?: unknown }).seq : undefined;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
}

type FolderDocument = { kind: 'none' } | { kind: 'stored'; value: unknown; text: string } | { kind: 'skipped'; reason: string };

async function readDocuments(folder: LaunchStorage): Promise<Record<DocumentName, FolderDocument>> {
  const out = {} as Record<DocumentName, FolderDocument>;
  for (const name of IMPORTED_DOCUMENTS) {
    const doc = folder.document(name);
    const read = await doc.read();
    if (read.kind === 'none') out[name] = { kind: 'none' };
    else if (read.kind === 'unreadable') out[name] = { kind: 'skipped', reason: `${doc.location} cannot be read (${read.why}); the folder keeps it` };
    else {
      const text = storableText(read.value);
      out[name] = text === null ? { kind: 'skipped', reason: `${doc.location} holds text PostgreSQL cannot store; the folder keeps it` } : { kind: 'stored', value: read.value, text };
    }
  }
  return out;
}

function documentImport(doc: FolderDocument): DocumentImport {
  if (doc.kind === 'stored') return { status: 'copied' };
  if (doc.kind === 'none') return { status: 'absent' };
  return { status: 'skipped', reason: doc.reason };
}

// ---------------------------------------------------------------------------------------------
// The copy

/**
 * The record as jsonb text, or null when PostgreSQL cannot store it: the character U+0000, or half
 * of a surrogate pair (text JSON can hold and jsonb refuses, which would fail the whole batch).
 */
function storableText(value: unknown): string | null {
  let text: string;
  try {
    text = jsonbText(value);
  } catch {
    return null;
  }
  // JSON.stringify writes a lone surrogate as an escape, and a paired one as the character itself.
  return /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/i.test(text) ? null : text;
}

async function copyLog(path: string, writer: LogWriter): Promise<Omit<LogImport, 'inDatabase'>> {
  const skipped: SkippedRecord[] = [];
  for (const record of recordsIfAny(path)) {
    if ('damage' in record) {
      skipped.push({ line: record.position, reason: record.damage });
      continue;
    }
    const text = storableText(record.value);
    if (text === null) {
      skipped.push({ line: record.position, reason: 'holds text PostgreSQL cannot store (the character U+0000 or half of a surrogate pair)' });
      continue;
    }
    await writer.add(text, record.position);
  }
  return { copied: await writer.finish(), skipped };
}

/**
 * Copies the audit entries as stored, checking the chain again on the way: the folder is locked,
 * so finding anything else than the verification found means someone changed the file by hand.
 */
async function copyAudit(path: string, writer: LogWriter, before: FolderChain, dataDir: string): Promise<Omit<LogImport, 'inDatabase'>> {
  const checker = new ChainChecker();
  for (const record of storedRecordsOf(path)) {
    checker.feed(record);
    // Torn lines: the verification found them torn, and the caller accepted leaving them out.
    if ('damage' in record) continue;
    const text = storableText(record.value);
    if (text === null) {
      throw new ImportError(
        'entry-not-storable',
        `the audit entry seq ${seqOf(record.value) ?? '?'} (line ${record.position} of ${path}) holds text PostgreSQL cannot store (the character U+0000 or half of a surrogate pair), ` +
          'and an audit entry is copied whole or not at all. Nothing was imported.',
      );
    }
    await writer.add(text, record.position);
  }
  const problem = chainMismatch(checker.result(), before.scan, 'line');
  if (problem) throw new ImportError('folder-changed', `the audit log of the data folder ${dataDir} changed during the import: read again, it ${problem}. Nothing was imported.`);
  const copied = await writer.finish();
  return { copied, skipped: before.scan.tornLines.map((line) => ({ line, reason: 'torn by a crash mid-write (the chain skips it)' })) };
}

/** A log the desk never wrote has no file: no records. */
function* recordsIfAny(path: string): Generator<StoredRecord> {
  try {
    statSync(path);
  } catch {
    return;
  }
  yield* storedRecordsOf(path);
}

/** How a chain read again differs from the verified one, or null when it is the same chain. */
function chainMismatch(again: ReturnType<typeof scanAuditChain>, verified: ReturnType<typeof scanAuditChain>, counted: 'seq' | 'line'): string | null {
  if (!again.ok) return `is broken at ${counted} ${again.firstBadLine ?? '?'}: ${again.reason ?? ''}`;
  if (again.entries !== verified.entries) return `holds ${again.entries} entries where ${verified.entries} were verified`;
  const a = again.last?.hash ?? null;
  const b = verified.last?.hash ?? null;
  if (a !== b) return `ends on hash ${a ?? 'none'} where the verified chain ends on ${b ?? 'none'}`;
  return null;
}

function verdict(scan: ReturnType<typeof scanAuditChain>): AuditVerifyResult {
  const { last: _last, ...rest } = scan;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// After the commit: what a console will read

interface Expected {
  before: ReturnType<typeof scanAuditChain>;
  logs: Record<RecordLogName, Omit<LogImport, 'inDatabase'>>;
  documents: Record<DocumentName, FolderDocument>;
  settings: FolderSetting[];
}

/**
 * Reads the launch back through `PostgresStorage`, as a console opening it will: the chain checked
 * whole, the entry at the folder's newest seq carrying the folder's newest hash, every log counted,
 * every document and setting compared. A console server that appended right after the commit makes
 * the database longer, not different: entries past the folder's are allowed, a different one is not.
 */
async function verifyDatabase(storage: PostgresStorage, expected: Expected): Promise<{ audit: AuditVerifyResult; counts: Record<RecordLogName, number> }> {
  const differs = (what: string) =>
    new ImportError('database-differs', `the import was committed to ${storage.description}, but reading it back ${what}. Check it with npm run audit -- verify --database.`, true);
  const lastSeq = expected.before.entries;
  let hashAtLast: string | null = null;
  const auditLog = storage.records('audit');
  const scan = await scanAuditLog(auditLog, (e: AuditEntry) => {
    if (e.seq === lastSeq) hashAtLast = e.hash;
  });
  await auditLog.close();
  if (!scan.ok) throw differs(`the audit chain is BROKEN at seq ${scan.firstBadLine ?? '?'}: ${scan.reason ?? ''}`);
  if (scan.entries < lastSeq || hashAtLast !== (expected.before.last?.hash ?? null)) {
    throw differs(`the audit entry seq ${lastSeq} has hash ${hashAtLast ?? 'none'} where the folder's newest entry has ${expected.before.last?.hash ?? 'none'}`);
  }

  const counts = { audit: scan.entries } as Record<RecordLogName, number>;
  for (const name of IMPORTED_LOGS) {
    if (name === 'audit') continue;
    const log = storage.records(name);
    let n = 0;
    await log.scan(() => void n++);
    await log.close();
    if (n < expected.logs[name].copied) throw differs(`finds ${n} ${name} records where ${expected.logs[name].copied} were copied`);
    counts[name] = n;
  }
  for (const name of IMPORTED_DOCUMENTS) {
    const doc = expected.documents[name];
    if (doc.kind !== 'stored') continue;
    const read = await storage.document(name).read();
    if (read.kind !== 'stored' || canonicalJson(read.value) !== canonicalJson(doc.value)) throw differs(`finds the ${name} document different from the folder's`);
  }
  const settings = storage.settings();
  for (const s of expected.settings) {
    if (canonicalJson(settings.get(s.key)) !== canonicalJson(s.value)) throw differs(`finds the ${s.key} setting different from the folder's`);
  }
  return { audit: verdict(scan), counts };
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** "line 4" / "lines 4, 9, 12" / "lines 4, 9, 12 and 7 more". */
function listLines(lines: readonly number[]): string {
  const shown = lines.slice(0, 10).join(', ');
  const more = lines.length > 10 ? ` and ${lines.length - 10} more` : '';
  return `${lines.length === 1 ? 'line' : 'lines'} ${shown}${more}`;
}
