import {
  AUDIT_GENESIS_HASH,
  AuditAppendSchema,
  type AuditAppend,
  type AuditEntry,
  type AuditFilter,
  type AuditVerifyResult,
} from '../../../shared/audit.js';
import { describeZodError } from '../../../shared/protocol.js';
import { redact, redactDeep } from './redact.js';
import { JsonlFile } from '../storage/jsonl-file.js';
import { entryHash, scanAuditChain } from './chain.js';

export interface AuditLogOptions {
  /** Entries kept in memory for queries; the file keeps all of them. */
  memoryCap?: number;
  /** Values that must never be written (the routing token): replaced wherever they appear. */
  secrets?: string[];
  now?: () => number;
}

/**
 * The hash-chained, append-only audit log. Every append is fsync'd before it returns, so an
 * entry the operator saw acknowledged survives a crash; a line torn by a crash is skipped and
 * the chain goes on from the last complete entry.
 */
export class AuditLog {
  /** What opening found: the chain check, including lines torn by an earlier crash. */
  readonly opened: AuditVerifyResult;
  private readonly file: JsonlFile;
  private readonly cap: number;
  private readonly secrets: string[];
  private readonly now: () => number;
  private readonly recent: AuditEntry[] = [];
  private last: AuditEntry | null;

  constructor(readonly path: string, options: AuditLogOptions = {}) {
    this.cap = options.memoryCap ?? 5000;
    this.secrets = (options.secrets ?? []).filter((s) => s !== '');
    this.now = options.now ?? Date.now;
    const { last, ...verdict } = scanAuditChain(path, (entry) => this.remember(entry));
    this.opened = verdict;
    this.last = last;
    this.file = new JsonlFile(path);
  }

  append(input: AuditAppend): AuditEntry {
    const parsed = AuditAppendSchema.safeParse({ ...input, data: jsonRoundTrip(input.data ?? {}) });
    if (!parsed.success) throw new Error(`Invalid audit entry: ${describeZodError(parsed.error)}`);
    const { type, operator, summary, data } = parsed.data;
    const unsigned = {
      seq: (this.last?.seq ?? 0) + 1,
      ts: new Date(this.now()).toISOString(),
      type,
      operator: redact(operator, this.secrets),
      summary: redact(summary.replace(/\s+/g, ' ').trim(), this.secrets),
      data: redactDeep(data, this.secrets),
      prevHash: this.last?.hash ?? AUDIT_GENESIS_HASH,
    };
    const entry: AuditEntry = { ...unsigned, hash: entryHash(unsigned) };
    this.file.append(entry);
    this.last = entry;
    this.remember(entry);
    return entry;
  }

  /** Matching entries among the newest in memory, oldest first; `limit` keeps the newest. */
  entries(filter: AuditFilter = {}): AuditEntry[] {
    const limit = filter.limit ?? Infinity;
    const out: AuditEntry[] = [];
    for (let i = this.recent.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.recent[i];
      if (e && auditEntryMatches(e, filter)) out.push(e);
    }
    return out.reverse();
  }

  get lastEntry(): AuditEntry | null {
    return this.last;
  }

  close(): void {
    this.file.close();
  }

  private remember(entry: AuditEntry): void {
    this.recent.push(entry);
    if (this.recent.length > this.cap) this.recent.shift();
  }
}

/** The audit view's and the export's match: type and operator exact, text anywhere in summary or data. */
export function auditEntryMatches(e: AuditEntry, filter: AuditFilter): boolean {
  if (filter.type && e.type !== filter.type) return false;
  if (filter.operator && e.operator !== filter.operator) return false;
  const text = filter.text?.toLowerCase();
  return !text || `${e.summary}\n${JSON.stringify(e.data)}`.toLowerCase().includes(text);
}

/** Drops what JSON cannot hold (undefined, functions) so the stored line and the hashed value agree. */
function jsonRoundTrip(data: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(data)) as unknown;
  } catch (e) {
    throw new Error(`Invalid audit entry: data is not JSON-serialisable (${(e as Error).message})`);
  }
}
