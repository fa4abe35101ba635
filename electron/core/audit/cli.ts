import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { didYouMean } from '../../../shared/did-you-mean.js';
import { scanAuditChain, verifyAuditFile } from './chain.js';
import { exportHeader, exportLine } from './export.js';

export const AUDIT_USAGE = 'usage: npm run audit -- verify <file>\n       npm run audit -- export <file> --format csv|jsonl';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

class UsageError extends Error {}

/** The audit command line. Returns the exit code: 0 intact, 1 chain broken, 2 usage error. */
export function runAuditCli(args: readonly string[], io: CliIo): number {
  const [command, ...rest] = args;
  try {
    if (command === 'verify') return verify(rest, io);
    if (command === 'export') return exportFile(rest, io);
    throw new UsageError(command ? `unknown command: ${command}` : 'missing command');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${e.message}\n${AUDIT_USAGE}\n`);
    return 2;
  }
}

function requireFile(path: string | undefined): string {
  if (!path) throw new UsageError('missing <file>');
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  return path;
}

function verify(args: string[], io: CliIo): number {
  let files: string[];
  try {
    files = parseArgs({ args, options: {}, strict: true, allowPositionals: true }).positionals;
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  if (files.length !== 1) throw new UsageError('verify takes exactly one <file>');
  const result = verifyAuditFile(requireFile(files[0]));
  if (!result.ok) {
    io.out(`BROKEN at line ${result.firstBadLine ?? '?'}: ${result.reason ?? 'unknown reason'}\n`);
    return 1;
  }
  const torn = result.tornLines.length
    ? ` (skipped ${result.tornLines.length} line(s) torn by a crash: ${result.tornLines.join(', ')})`
    : '';
  io.out(`OK: ${result.entries} entries, chain intact${torn}\n`);
  return 0;
}

function exportFile(args: string[], io: CliIo): number {
  let parsed: { values: { format?: string | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { format: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? '';
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    throw new UsageError(unknown ? `unknown option: ${unknown}${didYouMean(unknown, ['--format'])}` : message);
  }
  const format = parsed.values.format;
  const [file, extra] = parsed.positionals;
  if (extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`);
  if (format !== 'csv' && format !== 'jsonl') {
    throw new UsageError(`--format must be csv or jsonl${format ? ` (got "${format}")` : ''}`);
  }
  const path = requireFile(file);
  io.out(exportHeader(format));
  const result = scanAuditChain(path, (e) => io.out(exportLine(e, format)));
  if (result.ok) return 0;
  io.err(`warning: chain BROKEN at line ${result.firstBadLine ?? '?'}: ${result.reason ?? ''}\n`);
  return 1;
}
