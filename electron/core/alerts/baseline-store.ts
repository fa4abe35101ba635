import { z } from 'zod';
import type { BaselineSet } from '../../../shared/alerts.js';
import { KpiIdSchema } from '../../../shared/config.js';
import { describeZodError } from '../../../shared/protocol.js';
import type { JsonDocument } from '../storage/ports.js';

/**
 * The captured baseline, kept across restarts: an operator who captured one at hour 2 must not
 * find the baseline rules silently judging against the staging figures again after a restart.
 */

const StoredBaselineSchema = z
  .object({
    values: z.partialRecord(KpiIdSchema, z.number().finite()),
    source: z.string().regex(/^captured at \S+$/, 'must read "captured at <iso time>"'),
  })
  .strict();

export type LoadedBaseline = { kind: 'none' } | { kind: 'stored'; set: BaselineSet } | { kind: 'unreadable'; why: string };

export async function loadCapturedBaseline(doc: JsonDocument): Promise<LoadedBaseline> {
  const read = await doc.read();
  if (read.kind === 'none') return { kind: 'none' };
  if (read.kind === 'unreadable') return { kind: 'unreadable', why: `not valid JSON (${read.why})` };
  const parsed = StoredBaselineSchema.safeParse(read.value);
  if (!parsed.success) return { kind: 'unreadable', why: describeZodError(parsed.error) };
  return { kind: 'stored', set: { values: parsed.data.values, source: parsed.data.source as BaselineSet['source'] } };
}

export async function saveCapturedBaseline(doc: JsonDocument, set: BaselineSet): Promise<void> {
  await doc.write({ values: set.values, source: set.source });
}
