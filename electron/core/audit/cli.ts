import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AuditEntry } from '../../../shared/audit.js';
import { didYouMean } from '../../../shared/did-you-mean.js';
import { PostgresStorageError } from '../storage/postgres/database.js';
import { openLaunchLogForReading } from '../storage/postgres/postgres-storage.js';
import { scanAuditChain, scanAuditLog, type ChainScan } from './chain.js';
import { exportHeader, exportLine } from './export.js';

export const AUDIT_USAGE = [
  'usage: npm run audit -- verify <file>',
  '       npm run audit -- verify --database <url> [--launch <id>]',
  '       npm run audit -- export <file> --format csv|jsonl',
  '       npm run audit -- export --database <url> [--launch <id>] --format csv|jsonl',
  '(the database password is best given in PGPASSWORD rather than in the URL)',
].join('\n');

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

class UsageError extends Error {}
/** The entries could not be reached (no such launch, the database down): said without the usage text. */
class SourceError extends Error {}

/** Where the entries are: a file, or one launch of a team's database. */
type Source = { kind: 'file'; path: string } | { kind: 'database'; url: string; launch: string | undefined };

const SOURCE_OPTIONS = { database: { type: 'string' }, launch: { type: 'string' } } as const;

/** The audit command line. Resolves to the exit code: 0 intact, 1 chain broken, 2 usage error. */
export async function runAuditCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'verify') return await verify(rest, io);
    if (command === 'export') return await exportEntries(rest, io);
    throw new UsageError(command ? `unknown command: ${command}` : 'missing command');
  } catch (e) {
    if (e instanceof SourceError || e instanceof PostgresStorageError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    if (!(e instanceof UsageError)) throw e;
    io.err(`${e.message}\n${AUDIT_USAGE}\n`);
    return 2;
  }
}

function sourceOf(database: string | undefined, launch: string | undefined, positionals: string[], command: string): Source {
  if (database !== undefined) {
    if (positionals.length > 0) throw new UsageError(`${command} takes a <file> or --database, not both`);
    if (database === '') throw new UsageError('--database needs a postgres:// URL');
    return { kind: 'database', url: database, launch };
  }
  if (launch !== undefined) throw new UsageError('--launch goes with --database');
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one <file>, or --database <url>`);
  const path = positionals[0] ?? '';
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  return { kind: 'file', path };
}

/** Walks the chain wherever it is; `where` names a position the way the source counts them. */
async function scanSource(source: Source, onEntry?: (entry: AuditEntry) => void): Promise<{ scan: ChainScan; where: string }> {
  if (source.kind === 'file') return { scan: scanAuditChain(source.path, onEntry), where: 'line' };
  const log = await openLaunchLogForReading(source.url, source.launch, 'audit').catch((e: unknown) => {
    throw new SourceError((e as Error).message);
  });
  try {
    return { scan: await scanAuditLog(log, onEntry), where: 'seq' };
  } finally {
    await log.close();
  }
}

async function verify(args: string[], io: CliIo): Promise<number> {
  let parsed: { values: { database?: string | undefined; launch?: string | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: SOURCE_OPTIONS, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const source = sourceOf(parsed.values.database, parsed.values.launch, parsed.positionals, 'verify');
  const { scan, where } = await scanSource(source);
  if (!scan.ok) {
    io.out(`BROKEN at ${where} ${scan.firstBadLine ?? '?'}: ${scan.reason ?? 'unknown reason'}\n`);
    return 1;
  }
  const torn = scan.tornLines.length ? ` (skipped ${scan.tornLines.length} line(s) torn by a crash: ${scan.tornLines.join(', ')})` : '';
  io.out(`OK: ${scan.entries} entries, chain intact${torn}\n`);
  return 0;
}

async function exportEntries(args: string[], io: CliIo): Promise<number> {
  let parsed: { values: { format?: string | undefined; database?: string | undefined; launch?: string | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { format: { type: 'string' }, ...SOURCE_OPTIONS }, strict: true, allowPositionals: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? '';
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw new UsageError(unknown ? `unknown option: ${unknown}${didYouMean(unknown, ['--format', '--database', '--launch'])}` : message);
  }
  const { format, database, launch } = parsed.values;
  const [, extra] = parsed.positionals;
  if (database === undefined && extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`);
  if (format !== 'csv' && format !== 'jsonl') {
    throw new UsageError(`--format must be csv or jsonl${format ? ` (got "${format}")` : ''}`);
  }
  const source = sourceOf(database, launch, parsed.positionals, 'export');
  io.out(exportHeader(format));
  const { scan, where } = await scanSource(source, (e) => io.out(exportLine(e, format)));
  if (scan.ok) return 0;
  io.err(`warning: chain BROKEN at ${where} ${scan.firstBadLine ?? '?'}: ${scan.reason ?? ''}\n`);
  return 1;
}
