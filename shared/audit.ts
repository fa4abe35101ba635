import { z } from 'zod';

/** The tamper-evident audit log: one JSON line per entry, each hash chained to the one before. */

export const AUDIT_ENTRY_TYPES = [
  'action',
  'shift',
  'review',
  'annotation',
  'alert',
  'baseline',
  'config',
  'reveal',
  'known_issue',
  'launch',
  'gate',
  'decision',
  'rollout',
  'rehearsal',
  'access',
  'team',
] as const;
export const AuditEntryTypeSchema = z.enum(AUDIT_ENTRY_TYPES);
export type AuditEntryType = z.infer<typeof AuditEntryTypeSchema>;

/** prevHash of the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const AuditEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  ts: z.iso.datetime(),
  type: AuditEntryTypeSchema,
  operator: z.string().min(1),
  /** One line of plain words. */
  summary: z.string().regex(/^[^\r\n]*$/, 'must be one line'),
  data: z.record(z.string(), z.json()),
  prevHash: sha256Hex,
  /** sha256 of prevHash followed by the canonical JSON of every other field. */
  hash: sha256Hex,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditAppendSchema = z.object({
  type: AuditEntryTypeSchema,
  operator: z.string().min(1),
  summary: z.string(),
  data: z.record(z.string(), z.json()).default({}),
});
/** What a caller appends; `data` is checked to be JSON (undefined fields are dropped). */
export interface AuditAppend {
  type: AuditEntryType;
  operator: string;
  summary: string;
  data?: Record<string, unknown>;
}

export interface AuditFilter {
  type?: AuditEntryType;
  operator?: string;
  /** Case-insensitive match in the summary or the data. */
  text?: string;
  /** Keep the newest `limit` matches. */
  limit?: number;
}

export interface AuditVerifyResult {
  ok: boolean;
  /** Entries verified before the first break (all of them when ok). */
  entries: number;
  firstBadLine?: number;
  reason?: string;
  /** Lines torn by a crash mid-write that the chain correctly skips over. */
  tornLines: number[];
}
