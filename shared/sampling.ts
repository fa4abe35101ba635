import { z } from 'zod';
import { CallRecordSchema, type CallRecord } from './protocol.js';

/**
 * Call sampling, replay and annotation: the types and tables both the core and the renderer use.
 * Timestamps of records (createdAt, updatedAt) are ISO strings in UTC like the stream's; time
 * ranges are epoch milliseconds, half-open [from, to), because they are computed with.
 */

export const SAMPLE_SIZE = { min: 20, max: 30, default: 24 } as const;
export const HOUR_MS = 3_600_000;

export const FAILURE_CATEGORY_IDS = [
  'asr_error',
  'latency',
  'wrong_tool',
  'escalation',
  'policy_safety',
  'hallucination',
  'other',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORY_IDS)[number];
export const FailureCategorySchema = z.enum(FAILURE_CATEGORY_IDS);

export interface FailureCategoryInfo {
  id: FailureCategory;
  label: string;
  /** KeyboardEvent.key that toggles the category while annotating. */
  key: string;
  hint: string;
}

/** One table for the labels and the keys, so the keys shown on screen are the keys that work. */
export const FAILURE_CATEGORIES: readonly FailureCategoryInfo[] = [
  { id: 'asr_error', label: 'ASR error', key: '1', hint: 'the agent misheard the caller' },
  { id: 'latency', label: 'Latency', key: '2', hint: 'slow replies, talk-over, dead air' },
  { id: 'wrong_tool', label: 'Wrong tool', key: '3', hint: 'wrong tool, wrong arguments, or a tool failure mishandled' },
  { id: 'escalation', label: 'Escalation', key: '4', hint: 'should have escalated, or escalated badly' },
  { id: 'policy_safety', label: 'Policy / safety', key: '5', hint: 'PII, policy or prompt-injection problem' },
  { id: 'hallucination', label: 'Hallucination', key: '6', hint: 'stated something untrue' },
  { id: 'other', label: 'Other', key: '7', hint: 'anything else; say what in the note' },
];

export const VerdictSchema = z.enum(['pass', 'fail']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const VERDICT_KEYS: readonly { verdict: Verdict; key: string; label: string }[] = [
  { verdict: 'pass', key: 'p', label: 'Pass' },
  { verdict: 'fail', key: 'f', label: 'Fail' },
];

export type NavigationDirection = 'next' | 'previous';
export const NAVIGATION_KEYS: readonly { direction: NavigationDirection; keys: readonly string[]; label: string }[] = [
  { direction: 'next', keys: ['j', 'ArrowDown'], label: 'Next call' },
  { direction: 'previous', keys: ['k', 'ArrowUp'], label: 'Previous call' },
];

export type SamplingKeyAction =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'category'; category: FailureCategory }
  | { kind: 'navigate'; direction: NavigationDirection };

/** Maps a KeyboardEvent.key to what it does in a sampling session; letters ignore case. */
export function samplingKeyAction(key: string): SamplingKeyAction | null {
  const k = key.length === 1 ? key.toLowerCase() : key;
  const verdict = VERDICT_KEYS.find((v) => v.key === k);
  if (verdict) return { kind: 'verdict', verdict: verdict.verdict };
  const category = FAILURE_CATEGORIES.find((c) => c.key === k);
  if (category) return { kind: 'category', category: category.id };
  const nav = NAVIGATION_KEYS.find((n) => n.keys.includes(k));
  if (nav) return { kind: 'navigate', direction: nav.direction };
  return null;
}

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO timestamp');

export const TimeRangeSchema = z
  .object({ from: z.number().int().nonnegative(), to: z.number().int().nonnegative() })
  .refine((r) => r.from < r.to, { message: 'from must be before to', path: ['to'] });
export type TimeRange = z.infer<typeof TimeRangeSchema>;

export const SeedSchema = z.number().int().min(0).max(0xffff_ffff);

export const AllocationRowSchema = z.object({
  intent: z.string().min(1),
  /** Calls of this intent in the range (from the hourly traffic counts). */
  traffic: z.number().int().nonnegative(),
  /** traffic / all traffic in the range. */
  share: z.number().min(0).max(1),
  /** size x share: the number of calls a perfectly proportional sample would hold. */
  ideal: z.number().nonnegative(),
  sampled: z.number().int().nonnegative(),
  failuresSampled: z.number().int().nonnegative(),
});
export type AllocationRow = z.infer<typeof AllocationRowSchema>;

export const SamplingSessionSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(200),
  createdAt: isoTime,
  createdBy: z.string().min(1),
  seed: SeedSchema,
  size: z.number().int().min(SAMPLE_SIZE.min).max(SAMPLE_SIZE.max),
  range: TimeRangeSchema,
  overweightFailures: z.boolean(),
  callIds: z.array(z.string().min(1)).max(SAMPLE_SIZE.max),
  allocation: z.array(AllocationRowSchema),
  /** The pool snapshot the calls were drawn from: redrawing from it with the seed gives the same calls. */
  poolId: z.string().min(1).optional(),
});
export type SamplingSession = z.infer<typeof SamplingSessionSchema>;

/** What the reviewer asks for; the host adds who asked. */
export const StartSamplingRequestSchema = z.object({
  name: z.string().trim().min(1).max(200),
  range: TimeRangeSchema,
  size: z.number().int().min(SAMPLE_SIZE.min).max(SAMPLE_SIZE.max).default(SAMPLE_SIZE.default),
  /** Left out: the host draws one, and the session records it so the draw can be repeated. */
  seed: SeedSchema.optional(),
  overweightFailures: z.boolean().default(false),
});
export type StartSamplingRequest = z.input<typeof StartSamplingRequestSchema>;

export const NOTE_MAX_CHARS = 4000;

const CategoriesSchema = z
  .array(FailureCategorySchema)
  .refine((c) => new Set(c).size === c.length, 'categories must not repeat');

export const AnnotationSchema = z.object({
  sessionId: z.string().min(1),
  callId: z.string().min(1),
  verdict: VerdictSchema.nullable(),
  categories: CategoriesSchema,
  note: z.string().max(NOTE_MAX_CHARS),
  updatedAt: isoTime,
  updatedBy: z.string().min(1),
});
export type Annotation = z.infer<typeof AnnotationSchema>;

/** What a reviewer sends: the fields left out keep their previous value. */
export const AnnotationPatchSchema = z.object({
  sessionId: z.string().min(1),
  callId: z.string().min(1),
  updatedBy: z.string().min(1),
  verdict: VerdictSchema.nullable().optional(),
  categories: CategoriesSchema.optional(),
  note: z.string().max(NOTE_MAX_CHARS).optional(),
});
export type AnnotationPatch = z.infer<typeof AnnotationPatchSchema>;

export const RegressionCaseSchema = z.object({
  intent: z.string(),
  callerTurns: z.array(z.string()),
  agentToolCalls: z.array(z.object({ name: z.string(), ok: z.boolean(), error: z.string().optional() })),
  whatWentWrong: z.string(),
  category: FailureCategorySchema,
  note: z.string(),
  sourceCallId: z.string(),
});
export type RegressionCase = z.infer<typeof RegressionCaseSchema>;

/** A session as saved: the sampled calls travel with it so it can be resumed on a later shift. */
export const StoredSessionSchema = z.object({
  session: SamplingSessionSchema,
  calls: z.array(CallRecordSchema),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

export interface SessionProgress {
  /** Calls with a verdict; a note or category alone does not finish a call. */
  annotated: number;
  total: number;
}

export const FAILURE_SIGNALS = {
  outcome_failed: 'outcome failed',
  error: 'error during the call',
  safety: 'safety flag (PII, policy or injection)',
  escalation_context_lost: 'escalation requested without the context preserved',
  fallback_route: 'routed to the fallback',
} as const;
export type FailureSignal = keyof typeof FAILURE_SIGNALS;

/** Why a call counts as a failure; empty for a call without any failure signal. */
export function failureSignals(call: CallRecord): FailureSignal[] {
  const out: FailureSignal[] = [];
  if (call.outcome === 'failed') out.push('outcome_failed');
  if (call.errors.length > 0) out.push('error');
  if (call.safety.pii + call.safety.policy + call.safety.injection > 0) out.push('safety');
  if (call.escalation?.requested && !call.escalation.contextPreserved) out.push('escalation_context_lost');
  if (call.route === 'fallback') out.push('fallback_route');
  return out;
}

/** failureSignals(call).length > 0 without building the list: it runs on every call of the launch. */
export function hasFailureSignal(call: CallRecord): boolean {
  return (
    call.outcome === 'failed' ||
    call.errors.length > 0 ||
    call.safety.pii + call.safety.policy + call.safety.injection > 0 ||
    (call.escalation !== undefined && call.escalation.requested && !call.escalation.contextPreserved) ||
    call.route === 'fallback'
  );
}

/** A call held for sampling. `intent` is the stratum: the call's intent, or OTHER_INTENTS past the cap. */
export interface KeptCall {
  call: CallRecord;
  intent: string;
  endedAtMs: number;
  failure: boolean;
  /**
   * Held by its intent's reservoir, so a uniform draw over that intent's traffic. False: held only
   * by the failure set, which over-represents failures and is drawn from only to weight them.
   */
  uniform: boolean;
}

export const OTHER_INTENTS = '(other intents)';

export interface IntentTraffic {
  intent: string;
  traffic: number;
  failures: number;
}

export interface HourTraffic {
  hourStart: number;
  traffic: number;
  failures: number;
}

/**
 * Counts timestamps into the given hours (hour starts, epoch ms, as the traffic series returns
 * them), so a sample's spread over time can be drawn beside the traffic's on the same axis.
 */
export function countPerHour(timestampsMs: readonly number[], hourStarts: readonly number[]): number[] {
  const index = new Map(hourStarts.map((h, i) => [Math.floor(h / HOUR_MS), i]));
  const counts = new Array<number>(hourStarts.length).fill(0);
  for (const t of timestampsMs) {
    const i = index.get(Math.floor(t / HOUR_MS));
    if (i !== undefined) counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

export interface SessionSummary {
  sessionId: string;
  total: number;
  /** Calls with a verdict. */
  annotated: number;
  passed: number;
  failed: number;
  /** failed / annotated; null before any verdict. */
  failureRate: number | null;
  byIntent: { intent: string; total: number; annotated: number; failed: number; failureRate: number | null }[];
  /** Failed calls per category; a call may carry several. share = count / failed. */
  byCategory: { category: FailureCategory; label: string; count: number; share: number | null }[];
}
