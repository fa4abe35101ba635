import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { AUDIT_GENESIS_HASH, AuditEntrySchema, type AuditEntry, type AuditVerifyResult } from '../../../shared/audit.js';
import { describeZodError } from '../../../shared/protocol.js';
import { canonicalJson } from '../../../shared/canonical-json.js';
import { storedRecordsOf } from '../storage/line-reader.js';
import type { RecordLog, StoredRecord } from '../storage/ports.js';

/** sha256 over the previous hash and the canonical JSON of every field but `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = entry;
  return createHash('sha256').update(entry.prevHash).update(canonicalJson(rest)).digest('hex');
}

export interface ChainScan extends AuditVerifyResult {
  /** The last entry that parsed, even past a break: new entries chain on from it. */
  last: AuditEntry | null;
}

/**
 * Checks the chain record by record. A record that is not JSON is a write torn by a crash only if
 * the next entry chains past it to the entry before; otherwise it is damage. `onEntry` sees every
 * entry that parses, so a reader can keep the newest ones.
 */
export class ChainChecker {
  private readonly scan: ChainScan = { ok: true, entries: 0, tornLines: [], last: null };
  private prevHash = AUDIT_GENESIS_HASH;
  private expectSeq = 1;
  private unparsed: { line: number; reason: string }[] = [];

  constructor(private readonly onEntry?: (entry: AuditEntry) => void) {}

  feed(record: StoredRecord): void {
    if ('damage' in record) {
      this.unparsed.push({ line: record.position, reason: record.damage });
      return;
    }
    const parsed = AuditEntrySchema.safeParse(record.value);
    if (!parsed.success) {
      this.breakAt(record.position, `not an audit entry: ${describeZodError(parsed.error)}`);
      return;
    }
    const entry = parsed.data;
    const { scan } = this;
    if (scan.ok) {
      const problem = linkProblem(entry, this.prevHash, this.expectSeq);
      const firstUnparsed = this.unparsed[0];
      if (problem && firstUnparsed) {
        this.breakAt(firstUnparsed.line, `${firstUnparsed.reason} and the entries after it do not skip it: damaged, not torn by a crash`);
      } else if (problem) {
        this.breakAt(record.position, problem);
      } else {
        scan.tornLines.push(...this.unparsed.map((u) => u.line));
        scan.entries++;
      }
    }
    this.unparsed = [];
    this.prevHash = entry.hash;
    this.expectSeq = entry.seq + 1;
    scan.last = entry;
    this.onEntry?.(entry);
  }

  result(): ChainScan {
    const { scan } = this;
    return scan.ok ? { ...scan, tornLines: [...scan.tornLines, ...this.unparsed.map((u) => u.line)] } : { ...scan };
  }

  private breakAt(line: number, reason: string): void {
    if (!this.scan.ok) return;
    this.scan.ok = false;
    this.scan.firstBadLine = line;
    this.scan.reason = reason;
  }
}

/** Walks a stored audit log (a file or a table), checking the chain. */
export async function scanAuditLog(log: RecordLog, onEntry?: (entry: AuditEntry) => void): Promise<ChainScan> {
  const checker = new ChainChecker(onEntry);
  await log.scan((record) => checker.feed(record));
  return checker.result();
}

/** The same walk over an audit file, for the command line and exports that read a file directly. */
export function scanAuditChain(path: string, onEntry?: (entry: AuditEntry) => void): ChainScan {
  const checker = new ChainChecker(onEntry);
  if (!existsSync(path)) return checker.result();
  for (const record of storedRecordsOf(path)) checker.feed(record);
  return checker.result();
}

/** Why an entry does not follow the one before it (its hash, its prevHash, its seq), or null. */
export function linkProblem(entry: AuditEntry, prevHash: string, expectSeq: number): string | null {
  if (entryHash(entry) !== entry.hash) return 'hash does not match the content: the entry was changed';
  if (entry.prevHash !== prevHash) return 'prevHash does not match the entry before it: an entry was removed, inserted or changed';
  if (entry.seq !== expectSeq) return `seq is ${entry.seq} where ${expectSeq} was expected`;
  return null;
}

/** Checks a whole audit file; torn last lines (crash mid-write) are reported but do not fail it. */
export function verifyAuditFile(path: string): AuditVerifyResult {
  if (!existsSync(path)) return { ok: false, entries: 0, reason: `no such file: ${path}`, tornLines: [] };
  const { last: _last, ...result } = scanAuditChain(path);
  return result;
}
