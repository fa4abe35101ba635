import { existsSync } from 'node:fs';
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
  if (args.length !== 1) throw new UsageError('verify takes exactly one <file>');
  const result = verifyAuditFile(requireFile(args[0]));
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
  let file: string | undefined;
  let format: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--format') format = args[++i];
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('--')) throw new UsageError(`unknown option: ${a}`);
    else if (file === undefined) file = a;
    else throw new UsageError(`unexpected argument: ${a}`);
  }
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
