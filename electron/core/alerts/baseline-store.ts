import { z } from 'zod';
import { KpiIdSchema } from '../../../shared/config.js';
import { describeZodError } from '../../../shared/protocol.js';
import type { BaselineRecord } from './baselines.js';
import type { JsonDocument } from '../storage/ports.js';

/**
 * The captured baselines and their history, kept across restarts: an operator who captured one at
 * hour 2 must not find the baseline rules silently judging against the staging figures again
 * after a restart, nor lose who captured what.
 */

const Ms = z.number().finite();
const KpiValues = z.partialRecord(KpiIdSchema, z.number().finite());
const KpiReasons = z.array(z.object({ kpi: KpiIdSchema, reason: z.string() }).strict());

const CapturedSchema = z
  .object({ value: z.number().finite(), change: z.number().int(), by: z.string(), streamTime: Ms, windowMin: z.number().nullable() })
  .strict();

const ChangeSchema = z.discriminatedUnion('kind', [
  z
    .object({
      id: z.number().int(),
      kind: z.literal('capture'),
      by: z.string(),
      at: Ms,
      streamTime: Ms,
      windowMin: z.number().nullable(),
      values: KpiValues,
      skipped: KpiReasons,
      previous: z.partialRecord(KpiIdSchema, CapturedSchema.nullable()),
      warning: z.string().nullable(),
    })
    .strict(),
  z
    .object({
      id: z.number().int(),
      kind: z.literal('revert'),
      by: z.string(),
      at: Ms,
      revertOf: z.number().int(),
      restored: z.partialRecord(KpiIdSchema, z.number().finite().nullable()),
      kept: KpiReasons,
    })
    .strict(),
]);

const StoredSchema = z
  .object({ version: z.literal(2), captured: z.partialRecord(KpiIdSchema, CapturedSchema), history: z.array(ChangeSchema) })
  .strict();

/** The first format: one captured set that replaced the configured one whole, with no history. */
const FirstFormatSchema = z
  .object({
    values: KpiValues,
    source: z.string().regex(/^captured at \S+$/, 'must read "captured at <iso time>"'),
  })
  .strict();

export const BEFORE_HISTORY = 'an operator (captured before the console kept a history)';

/**
 * A file of the first format becomes one capture over the configured values, revertible like
 * any other: its KPIs keep the figures captured then, and KPIs it lacked get their configured
 * values back, since a capture now replaces only the KPIs it took.
 */
function fromFirstFormat(old: z.infer<typeof FirstFormatSchema>): BaselineRecord | null {
  const streamTime = Date.parse(old.source.slice('captured at '.length));
  if (Number.isNaN(streamTime)) return null;
  const captured: BaselineRecord['captured'] = {};
  const previous: Record<string, null> = {};
  for (const [kpi, value] of Object.entries(old.values)) {
    captured[kpi as keyof typeof captured] = { value, change: 1, by: BEFORE_HISTORY, streamTime, windowMin: null };
    previous[kpi] = null;
  }
  return {
    captured,
    history: [
      { id: 1, kind: 'capture', by: BEFORE_HISTORY, at: streamTime, streamTime, windowMin: null, values: old.values, skipped: [], previous, warning: null },
    ],
  };
}

export type LoadedBaseline = { kind: 'none' } | { kind: 'stored'; record: BaselineRecord } | { kind: 'unreadable'; why: string };

export async function loadBaselines(doc: JsonDocument): Promise<LoadedBaseline> {
  const read = await doc.read();
  if (read.kind === 'none') return { kind: 'none' };
  if (read.kind === 'unreadable') return { kind: 'unreadable', why: `not valid JSON (${read.why})` };
  const parsed = StoredSchema.safeParse(read.value);
  if (parsed.success) return { kind: 'stored', record: { captured: parsed.data.captured, history: parsed.data.history } };
  const first = FirstFormatSchema.safeParse(read.value);
  const record = first.success ? fromFirstFormat(first.data) : null;
  if (record) return { kind: 'stored', record };
  return { kind: 'unreadable', why: describeZodError(parsed.error) };
}

export async function saveBaselines(doc: JsonDocument, record: BaselineRecord): Promise<void> {
  await doc.write({ version: 2, captured: record.captured, history: record.history });
}
