import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { BaselineSet } from '../../../shared/alerts.js';
import { KpiIdSchema } from '../../../shared/config.js';
import { describeZodError } from '../../../shared/protocol.js';
import { writeFileAtomic } from '../storage/atomic-file.js';

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

export function loadCapturedBaseline(path: string): LoadedBaseline {
  if (!existsSync(path)) return { kind: 'none' };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { kind: 'unreadable', why: `not valid JSON (${(e as Error).message})` };
  }
  const parsed = StoredBaselineSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'unreadable', why: describeZodError(parsed.error) };
  return { kind: 'stored', set: { values: parsed.data.values, source: parsed.data.source as BaselineSet['source'] } };
}

export function saveCapturedBaseline(path: string, set: BaselineSet): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify({ values: set.values, source: set.source }, null, 2)}\n`);
}
