import { AUDIT_GENESIS_HASH, type AuditEntry } from '../../../shared/audit.js';
import type { OfflineMerge } from '../../../shared/team.js';
import { linkProblem } from '../audit/chain.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Actor } from '../engine/acting-operator.js';

/** Where a journal stands in the team's log: its last entry merged. */
interface Merged {
  seq: number;
  hash: string;
}

interface OfflineMark {
  journalId: string;
  seq: number;
  hash: string;
}

function offlineMarkOf(entry: AuditEntry): OfflineMark | null {
  const offline = (entry.data as { offline?: unknown }).offline;
  if (typeof offline !== 'object' || offline === null) return null;
  const { journalId, seq, hash } = offline as Record<string, unknown>;
  return typeof journalId === 'string' && typeof seq === 'number' && typeof hash === 'string' ? { journalId, seq, hash } : null;
}

/**
 * Appends what a desk did alone (its local journal, a hash chain of its own) to the team's audit
 * log: each entry becomes a new entry of the team's chain that keeps the original time, seq and
 * hashes in `data.offline`, so both chains stay verifiable and nothing anyone recorded is
 * rewritten. The team's log itself says how far each journal was merged, so sending a journal
 * again (a retry after a lost reply, a restart) appends nothing twice.
 */
export class OfflineMerger {
  private constructor(
    private readonly audit: AuditLog,
    private readonly merged: Map<string, Merged>,
  ) {}

  static async open(audit: AuditLog): Promise<OfflineMerger> {
    const merged = new Map<string, Merged>();
    await audit.scanStored((entry) => {
      const mark = offlineMarkOf(entry);
      if (mark) merged.set(mark.journalId, { seq: mark.seq, hash: mark.hash });
    });
    return new OfflineMerger(audit, merged);
  }

  async merge(actor: Actor, journalId: string, desk: string, entries: AuditEntry[]): Promise<OfflineMerge> {
    const known = this.merged.get(journalId) ?? null;
    const fresh = entries.filter((e) => e.seq > (known?.seq ?? 0));
    const already = entries.length - fresh.length;
    const stale = entries.find((e) => known && e.seq === known.seq && e.hash !== known.hash);
    if (stale) throw new Error(`entries: seq ${stale.seq} of journal ${journalId} differs from the one merged before: the journal was changed`);
    let prevHash = known?.hash ?? AUDIT_GENESIS_HASH;
    let expectSeq = (known?.seq ?? 0) + 1;
    for (const e of fresh) {
      const problem = linkProblem(e, prevHash, expectSeq);
      if (problem) {
        throw new Error(
          e.seq > expectSeq
            ? `entries: the journal's entries ${expectSeq} to ${e.seq - 1} are missing: send the journal from seq ${expectSeq}`
            : `entries: seq ${e.seq}: ${problem}; nothing was merged`,
        );
      }
      if (e.operator !== actor.name && actor.role !== 'admin') {
        throw new Error(`entries: seq ${e.seq} was taken by ${e.operator}: an operator merges their own journal, an admin anyone's; nothing was merged`);
      }
      prevHash = e.hash;
      expectSeq = e.seq + 1;
    }
    const seqs: number[] = [];
    for (const e of fresh) {
      const written = await this.audit.append({
        type: e.type,
        operator: e.operator,
        summary: `Taken while cut off from the team, on ${desk} at ${e.ts}: ${e.summary}`,
        data: { ...e.data, offline: { journalId, desk, seq: e.seq, ts: e.ts, hash: e.hash, prevHash: e.prevHash, mergedBy: actor.name } },
      });
      this.merged.set(journalId, { seq: e.seq, hash: e.hash });
      seqs.push(written.seq);
    }
    return { merged: fresh.length, already, seqs };
  }
}
