import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { AUDIT_GENESIS_HASH, AuditEntrySchema, type AuditEntry, type AuditVerifyResult } from '../../../shared/audit.js';
import { describeZodError } from '../../../shared/protocol.js';
import { canonicalJson } from '../../../shared/canonical-json.js';
import { forEachLine } from './line-reader.js';

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
 * Walks an audit file line by line and checks the chain. A line that is not JSON is a write torn
 * by a crash only if the next entry chains past it to the entry before; otherwise it is damage.
 * `onEntry` sees every entry that parses, so a reader can keep the newest ones.
 */
export function scanAuditChain(path: string, onEntry?: (entry: AuditEntry) => void): ChainScan {
  const scan: ChainScan = { ok: true, entries: 0, tornLines: [], last: null };
  if (!existsSync(path)) return scan;
  let prevHash = AUDIT_GENESIS_HASH;
  let expectSeq = 1;
  let unparsed: { line: number; reason: string }[] = [];
  const breakAt = (line: number, reason: string) => {
    if (!scan.ok) return;
    scan.ok = false;
    scan.firstBadLine = line;
    scan.reason = reason;
  };
  forEachLine(path, (text, lineNo) => {
    if (text.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      unparsed.push({ line: lineNo, reason: (e as Error).message });
      return;
    }
    const parsed = AuditEntrySchema.safeParse(raw);
    if (!parsed.success) {
      breakAt(lineNo, `not an audit entry: ${describeZodError(parsed.error)}`);
      return;
    }
    const entry = parsed.data;
    if (scan.ok) {
      const problem = linkProblem(entry, prevHash, expectSeq);
      const firstUnparsed = unparsed[0];
      if (problem && firstUnparsed) {
        breakAt(firstUnparsed.line, `not valid JSON (${firstUnparsed.reason}) and the entries after it do not skip it: damaged, not torn by a crash`);
      } else if (problem) {
        breakAt(lineNo, problem);
      } else {
        scan.tornLines.push(...unparsed.map((u) => u.line));
        scan.entries++;
      }
    }
    unparsed = [];
    prevHash = entry.hash;
    expectSeq = entry.seq + 1;
    scan.last = entry;
    onEntry?.(entry);
  });
  if (scan.ok) scan.tornLines.push(...unparsed.map((u) => u.line));
  return scan;
}

function linkProblem(entry: AuditEntry, prevHash: string, expectSeq: number): string | null {
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
