import type { z } from 'zod';
import {
  AUDIT_GENESIS_HASH,
  AuditAppendSchema,
  AuditEntrySchema,
  type AuditAppend,
  type AuditEntry,
  type AuditFilter,
  type AuditVerifyResult,
} from '../../../shared/audit.js';
import { describeZodError } from '../../../shared/protocol.js';
import { redact, redactDeep } from './redact.js';
import type { RecordLog } from '../storage/ports.js';
import { entryHash, scanAuditLog } from './chain.js';

export interface AuditLogOptions {
  /** Entries kept in memory for queries; storage keeps all of them. */
  memoryCap?: number;
  /** Values that must never be written (the routing token): replaced wherever they appear. */
  secrets?: string[];
  now?: () => number;
}

/**
 * The hash-chained, append-only audit log. An append's promise resolves once the entry is
 * durable, so an entry the operator saw acknowledged survives a crash. Each entry is chained to
 * the newest one in storage at the moment it is written (`appendNext`), in the order appends were
 * asked for, so neither two appends at once nor two consoles sharing a database can fork the
 * chain. A record torn by a crash is skipped and the chain goes on from the last complete entry.
 */
export class AuditLog {
  private readonly cap: number;
  private readonly secrets: string[];
  private readonly now: () => number;
  private readonly recent: AuditEntry[] = [];
  private written: Promise<unknown> = Promise.resolve();
  private last: AuditEntry | null = null;

  private constructor(
    private readonly log: RecordLog,
    /** What opening found: the chain check, including records torn by an earlier crash. */
    readonly opened: AuditVerifyResult,
    options: AuditLogOptions,
  ) {
    this.cap = options.memoryCap ?? 5000;
    this.secrets = (options.secrets ?? []).filter((s) => s !== '');
    this.now = options.now ?? Date.now;
  }

  static async open(log: RecordLog, options: AuditLogOptions = {}): Promise<AuditLog> {
    const recent: AuditEntry[] = [];
    const cap = options.memoryCap ?? 5000;
    const { last, ...verdict } = await scanAuditLog(log, (entry) => {
      recent.push(entry);
      if (recent.length > cap) recent.shift();
    });
    const audit = new AuditLog(log, verdict, options);
    audit.recent.push(...recent);
    audit.last = last;
    return audit;
  }

  /** Where the entries are kept, for messages. */
  get location(): string {
    return this.log.location;
  }

  /** Every stored entry, oldest first, read from storage rather than memory (which keeps the newest only). */
  async scanStored(visit: (entry: AuditEntry) => void): Promise<void> {
    await scanAuditLog(this.log, visit);
  }

  /**
   * Validated at once (a malformed entry rejects without waiting its turn); written in turn. The
   * entry is chained to the newest one stored, so a failed write leaves no gap in the chain.
   */
  append(input: AuditAppend): Promise<AuditEntry> {
    const parsed = AuditAppendSchema.safeParse({ ...input, data: jsonRoundTrip(input.data ?? {}) });
    if (!parsed.success) return Promise.reject(new Error(`Invalid audit entry: ${describeZodError(parsed.error)}`));
    const content = this.redacted(parsed.data);
    const written = this.log.appendNext((newest) => this.link(newest, content)).then((entry) => {
      this.last = entry;
      this.remember(entry);
      return entry;
    });
    this.written = Promise.allSettled([this.written, written]);
    return written;
  }

  /**
   * Takes in the entries another console server appended since this one last wrote or looked,
   * so the audit view shows the whole team's log. Positions are never before seqs, so starting
   * at the newest seq known misses nothing.
   */
  catchUp(): Promise<number> {
    const caught = this.written.then(async () => {
      const known = this.last?.seq ?? 0;
      const found: AuditEntry[] = [];
      await this.log.scan((record) => {
        if (!('value' in record)) return;
        const parsed = AuditEntrySchema.safeParse(record.value);
        if (parsed.success && parsed.data.seq > (this.last?.seq ?? 0)) found.push(parsed.data);
      }, known);
      for (const entry of found) {
        if (entry.seq <= (this.last?.seq ?? 0)) continue;
        this.last = entry;
        this.remember(entry);
      }
      return found.length;
    });
    this.written = Promise.allSettled([this.written, caught]);
    return caught;
  }

  /** A secret learnt after opening (a token entered in the desktop app): never written from now on. */
  addSecret(secret: string): void {
    if (secret !== '' && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  /** Resolves when every append asked for so far has been written or has failed. */
  settled(): Promise<void> {
    return this.written.then(() => undefined);
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

  async close(): Promise<void> {
    await this.settled();
    await this.log.close();
  }

  private redacted({ type, operator, summary, data }: z.output<typeof AuditAppendSchema>): AuditContent {
    return {
      type,
      operator: redact(operator, this.secrets),
      summary: redact(summary.replace(/\s+/g, ' ').trim(), this.secrets),
      data: redactDeep(data, this.secrets),
    };
  }

  /**
   * The entry after `newest`. A newest record that is not an entry (damage the chain check
   * reports) is passed over for the last entry this log knows, as a torn line is.
   */
  private link(newest: unknown, content: AuditContent): AuditEntry {
    const prev = newest === null ? null : (chainLinkOf(newest) ?? this.last);
    const unsigned = {
      seq: (prev?.seq ?? 0) + 1,
      ts: new Date(this.now()).toISOString(),
      ...content,
      prevHash: prev?.hash ?? AUDIT_GENESIS_HASH,
    };
    return { ...unsigned, hash: entryHash(unsigned) };
  }

  private remember(entry: AuditEntry): void {
    this.recent.push(entry);
    if (this.recent.length > this.cap) this.recent.shift();
  }
}

type AuditContent = Pick<AuditEntry, 'type' | 'operator' | 'summary' | 'data'>;

/** What the next entry needs of a stored one; the full check is the chain verifier's. */
function chainLinkOf(value: unknown): { seq: number; hash: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { seq, hash } = value as { seq?: unknown; hash?: unknown };
  return Number.isSafeInteger(seq) && (seq as number) >= 1 && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? { seq: seq as number, hash } : null;
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
