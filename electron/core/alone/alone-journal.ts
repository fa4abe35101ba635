import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuditAppend, AuditEntry, AuditVerifyResult } from '../../../shared/audit.js';
import { AuditLog } from '../audit/audit-log.js';
import { Serial } from '../lib/serial.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { fileStorage } from '../storage/file-storage.js';
import type { JsonDocument } from '../storage/ports.js';

/** The file naming the journal once and for all: the team's log knows how far it merged it by this id. */
export const JOURNAL_ID_FILE = 'journal-id.json';
/** How far the team's audit log has acknowledged this journal. */
export const MERGED_MARK_FILE = 'merged-up-to.json';

const JOURNAL_ID = /^[A-Za-z0-9_-]{8,64}$/;
const IdFileSchema = z.strictObject({ version: z.literal(1), journalId: z.string().regex(JOURNAL_ID), createdAt: z.iso.datetime() });
const MarkFileSchema = z.strictObject({
  version: z.literal(1),
  journalId: z.string().regex(JOURNAL_ID),
  seq: z.number().int().nonnegative(),
  hash: z.string(),
  mergedAt: z.iso.datetime(),
});

export interface MergedMark {
  seq: number;
  hash: string | null;
}

export interface AloneJournalOptions {
  now?: () => number;
  /** Values never written to the journal (the routing token). */
  secrets?: string[];
}

function readJson(path: string): { kind: 'none' } | { kind: 'stored'; value: unknown } | { kind: 'unreadable'; why: string } {
  if (!existsSync(path)) return { kind: 'none' };
  try {
    return { kind: 'stored', value: JSON.parse(readFileSync(path, 'utf8')) as unknown };
  } catch (e) {
    return { kind: 'unreadable', why: (e as Error).message };
  }
}

/**
 * What a desk did on its own while it could not reach the team: a hash-chained audit log of its
 * own in a local folder (append + fsync, the same chain as the team's), with an id made once and
 * kept beside it, and the mark of how far the team's log has taken it. Both are replaced by
 * write-then-rename, so a restart of the app (or a crash) neither loses an entry nor sends one
 * the team already acknowledged; and the team's log is idempotent per journal id and seq, so a
 * mark lost after the team took the entries sends them again harmlessly.
 */
export class AloneJournal {
  private readonly serial = new Serial();

  private constructor(
    readonly dir: string,
    readonly journalId: string,
    private readonly audit: AuditLog,
    private mark: MergedMark,
    private unmerged_: number,
    private readonly now: () => number,
  ) {}

  static async open(dir: string, options: AloneJournalOptions = {}): Promise<AloneJournal> {
    mkdirSync(dir, { recursive: true });
    const now = options.now ?? Date.now;
    const journalId = ensureJournalId(dir, now);
    const storage = fileStorage(dir);
    const audit = await AuditLog.open(storage.records('audit'), { now, ...(options.secrets ? { secrets: options.secrets } : {}) });
    const mark = readMark(dir, journalId);
    let unmerged = 0;
    await audit.scanStored((e) => {
      if (e.seq > mark.seq) unmerged++;
    });
    return new AloneJournal(dir, journalId, audit, mark, unmerged, now);
  }

  /** Where the entries are, for messages. */
  get location(): string {
    return this.audit.location;
  }

  /** The chain check when the journal was opened (a torn last line after a crash is reported, not fatal). */
  get opened(): AuditVerifyResult {
    return this.audit.opened;
  }

  get mergedUpTo(): MergedMark {
    return { ...this.mark };
  }

  /** Entries not yet acknowledged by the team's audit log. */
  get unmergedCount(): number {
    return this.unmerged_;
  }

  /** Resolves once the entry is durable (fsync'd). */
  append(entry: AuditAppend): Promise<AuditEntry> {
    return this.serial.run(async () => {
      const written = await this.audit.append(entry);
      if (written.seq > this.mark.seq) this.unmerged_++;
      return written;
    });
  }

  /** Every entry of the journal, oldest first, read from the folder. */
  async entries(): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    await this.audit.scanStored((e) => out.push(e));
    return out;
  }

  /** The entries after the mark, oldest first: what the team's log has not acknowledged. */
  async unmerged(): Promise<AuditEntry[]> {
    const from = this.mark.seq;
    return (await this.entries()).filter((e) => e.seq > from);
  }

  /**
   * Records that the team's log holds the journal up to this entry. Kept before it is believed:
   * a crash leaves the old mark (the entries are sent again, appended nothing twice) or the new.
   */
  markMerged(upTo: AuditEntry): Promise<void> {
    return this.serial.run(async () => {
      if (upTo.seq <= this.mark.seq) return;
      writeFileAtomic(
        join(this.dir, MERGED_MARK_FILE),
        `${JSON.stringify({ version: 1, journalId: this.journalId, seq: upTo.seq, hash: upTo.hash, mergedAt: new Date(this.now()).toISOString() }, null, 2)}\n`,
      );
      this.mark = { seq: upTo.seq, hash: upTo.hash };
      let left = 0;
      await this.audit.scanStored((e) => {
        if (e.seq > upTo.seq) left++;
      });
      this.unmerged_ = left;
    });
  }

  addSecret(secret: string): void {
    this.audit.addSecret(secret);
  }

  async close(): Promise<void> {
    await this.serial.idle();
    await this.audit.close();
  }
}

function ensureJournalId(dir: string, now: () => number): string {
  const path = join(dir, JOURNAL_ID_FILE);
  const read = readJson(path);
  if (read.kind === 'stored') {
    const parsed = IdFileSchema.safeParse(read.value);
    if (parsed.success) return parsed.data.journalId;
  }
  if (read.kind !== 'none' && existsSync(join(dir, 'audit.jsonl'))) {
    // Entries already taken under an id that can no longer be read: a new id would send them to
    // the team as another journal's, so nothing is guessed and the operator is told where it is.
    throw new Error(`the journal id in ${path} cannot be read (${read.kind === 'unreadable' ? read.why : 'not a journal id file'}); the journal's entries are kept in ${dir} and must be merged by hand`);
  }
  const journalId = `desk-${randomBytes(15).toString('base64url')}`;
  writeFileAtomic(path, `${JSON.stringify({ version: 1, journalId, createdAt: new Date(now()).toISOString() }, null, 2)}\n`);
  return journalId;
}

function readMark(dir: string, journalId: string): MergedMark {
  const path = join(dir, MERGED_MARK_FILE);
  const read = readJson(path);
  if (read.kind !== 'stored') return { seq: 0, hash: null };
  const parsed = MarkFileSchema.safeParse(read.value);
  // An unreadable mark only costs a resend, which the team's log takes as already merged.
  if (!parsed.success || parsed.data.journalId !== journalId) return { seq: 0, hash: null };
  return { seq: parsed.data.seq, hash: parsed.data.hash };
}

/** A local JSON document in the journal's folder (the pending-actions list of the actions taken alone). */
export function aloneDocument(dir: string): JsonDocument {
  return fileStorage(dir).document('pending-actions');
}
