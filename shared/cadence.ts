import { z } from 'zod';
import { KPI_IDS, type KpiId } from './kpi.js';

/**
 * The first-48-hours review cadence: schedule shapes, review records with frozen evidence, known
 * issues, shift owners and the launch clock. Stored and exchanged as JSON; every date is an ISO
 * string in UTC, so a time-zone change on the operator's machine alters only what is displayed.
 */

/** A review that has fallen due becomes overdue this long after its due time. */
export const OVERDUE_AFTER_MS = 15 * 60_000;

export const IsoUtcSchema = z.iso.datetime({ message: 'must be an ISO timestamp in UTC (ending in Z)' });

export const ReviewKindSchema = z.enum(['first_hour', 'four_hourly', 'end_of_day_1', 'end_of_day_2']);
export type ReviewKind = z.infer<typeof ReviewKindSchema>;

export type ReviewStatus = 'upcoming' | 'due' | 'overdue' | 'in_progress' | 'done';

export interface ReviewCheckDefinition {
  id: string;
  label: string;
  /** The KPIs the frozen evidence shows for this check; empty when the check is about work, not figures. */
  kpis: readonly KpiId[];
}

export interface ScheduledReview {
  /** Stable from kind and offset ('h1', 'h4', ..., 'd1', 'd2'), so records survive a T0 change. */
  id: string;
  kind: ReviewKind;
  label: string;
  /** Hours after T0. */
  offsetHours: number;
  dueAt: number;
  windowStart: number;
  windowEnd: number;
  checks: readonly ReviewCheckDefinition[];
}

export const KpiEvidenceSchema = z.object({
  kpi: z.enum(KPI_IDS),
  value: z.number().nullable(),
  /** The launch target in words ("at most 2%"), or null for KPIs shown without a target. */
  target: z.string().nullable(),
  status: z.enum(['ok', 'warn', 'bad', 'unknown']),
});
export type KpiEvidence = z.infer<typeof KpiEvidenceSchema>;

export const FailedIntentSchema = z.object({
  intent: z.string().min(1),
  failed: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative(),
  rate: z.number().min(0).max(1),
});
export type FailedIntent = z.infer<typeof FailedIntentSchema>;

export const EvidenceAlertSchema = z.object({
  ruleId: z.string().min(1),
  name: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  state: z.string().min(1),
  at: IsoUtcSchema,
});
export type EvidenceAlert = z.infer<typeof EvidenceAlertSchema>;

/**
 * The span the review's figures cover, from the launch's KPI history: whole minutes, or whole
 * quarter hours where the history keeps only those (figures older than 48 hours).
 */
export const EvidenceSpanSchema = z.object({
  from: IsoUtcSchema,
  to: IsoUtcSchema,
  minutes: z.number().int().nonnegative(),
  resolutionMin: z.number().int().positive(),
  /** Width of each chart point. */
  pointMinutes: z.number().int().positive(),
  /** Minutes in which the console saw the stream, and minutes a stream gap touched. */
  observedMinutes: z.number().int().nonnegative(),
  gapMinutes: z.number().int().nonnegative(),
});
export type EvidenceSpan = z.infer<typeof EvidenceSpanSchema>;

/** One chart point over the span: the KPIs of the review computed over the point's minutes. */
export const EvidencePointSchema = z.object({
  t: z.number(),
  values: z.partialRecord(z.enum(KPI_IDS), z.number().nullable()),
});
export type EvidencePoint = z.infer<typeof EvidencePointSchema>;

export const BaselineVerdictSchema = z.enum(['better', 'same', 'worse', 'unknown']);
export type BaselineVerdict = z.infer<typeof BaselineVerdictSchema>;

/** One KPI of the span against its baseline, for the end-of-day-2 comparison. */
export const BaselineComparisonSchema = z.object({
  kpi: z.enum(KPI_IDS),
  value: z.number().nullable(),
  baseline: z.number(),
  origin: z.enum(['configured', 'captured']),
  /** value - baseline, in the KPI's unit; null without a value. */
  difference: z.number().nullable(),
  /** A difference within this (either way) reads as the same. */
  tolerance: z.number().nonnegative(),
  verdict: BaselineVerdictSchema,
});
export type BaselineComparison = z.infer<typeof BaselineComparisonSchema>;

export const EvidenceSnapshotSchema = z.object({
  capturedAt: IsoUtcSchema,
  windowStart: IsoUtcSchema,
  windowEnd: IsoUtcSchema,
  /** Stream time of the metrics the KPIs come from; far behind capturedAt means the stream was down. */
  metricsAt: IsoUtcSchema.nullable(),
  /** Which rolling window (minutes) the KPIs come from; null when they come from the span, or no metrics were available. */
  metricsWindowMin: z.union([z.literal(1), z.literal(5), z.literal(15), z.literal(60)]).nullable(),
  /** True when a stream gap or a late start left part of that window unobserved. */
  metricsIncomplete: z.boolean(),
  calls: z.number().int().nonnegative(),
  kpis: z.array(KpiEvidenceSchema),
  topFailedIntents: z.array(FailedIntentSchema),
  alerts: z.array(EvidenceAlertSchema),
  /** Alerts in the window beyond the ones kept, so a storm is reported without growing the record. */
  alertsOmitted: z.number().int().nonnegative(),
  /** Where the figures came from the KPI history over the review's own span; absent on records frozen from the last hour only. */
  span: EvidenceSpanSchema.optional(),
  series: z.array(EvidencePointSchema).max(1_000).optional(),
  /** End of day 2: each KPI the launch has a baseline for, against it. */
  baseline: z.array(BaselineComparisonSchema).optional(),
});
export type EvidenceSnapshot = z.infer<typeof EvidenceSnapshotSchema>;

export const ActorSchema = z.string().trim().min(1, 'must name who did it').max(200);
const NoteSchema = z.string().max(4000);

export const CheckVerdictSchema = z.enum(['ok', 'issue']);
export type CheckVerdict = z.infer<typeof CheckVerdictSchema>;

export const ReviewCheckRecordSchema = z.object({
  checkId: z.string().min(1),
  verdict: CheckVerdictSchema.nullable(),
  note: NoteSchema,
  updatedAt: IsoUtcSchema.nullable(),
  updatedBy: ActorSchema.nullable(),
});
export type ReviewCheckRecord = z.infer<typeof ReviewCheckRecordSchema>;

export const ReviewDecisionSchema = z.enum(['continue', 'hold', 'rollback']);
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

export const ReviewRecordSchema = z.object({
  reviewId: z.string().min(1),
  openedAt: IsoUtcSchema,
  openedBy: ActorSchema,
  evidence: EvidenceSnapshotSchema,
  checks: z.array(ReviewCheckRecordSchema),
  decision: ReviewDecisionSchema.nullable(),
  completedAt: IsoUtcSchema.optional(),
  completedBy: ActorSchema.optional(),
});
export type ReviewRecord = z.infer<typeof ReviewRecordSchema>;

export const KnownIssueStatusSchema = z.enum(['open', 'monitoring', 'fixed']);
export type KnownIssueStatus = z.infer<typeof KnownIssueStatusSchema>;

export const KnownIssueSchema = z.object({
  id: z.string().min(1),
  title: z.string().trim().min(1, 'a known issue needs a title').max(300),
  intent: z.string().min(1).optional(),
  note: NoteSchema.optional(),
  firstSeen: IsoUtcSchema,
  status: KnownIssueStatusSchema,
  updatedAt: IsoUtcSchema,
  updatedBy: ActorSchema,
});
export type KnownIssue = z.infer<typeof KnownIssueSchema>;

/** What an operator sends to create (no id) or edit (with id) a known issue. */
export const KnownIssueInputSchema = z.object({
  id: z.string().min(1).optional(),
  title: KnownIssueSchema.shape.title,
  intent: z.string().min(1).optional(),
  note: NoteSchema.optional(),
  /** New issues start 'open'; an edit without a status keeps the current one. */
  status: KnownIssueStatusSchema.optional(),
});
export type KnownIssueInput = z.infer<typeof KnownIssueInputSchema>;

export const ShiftOwnerSchema = z.object({
  name: z.string().trim().min(1, 'the shift owner needs a name').max(200),
  since: IsoUtcSchema,
  handoverNote: NoteSchema.optional(),
  setBy: ActorSchema,
});
export type ShiftOwner = z.infer<typeof ShiftOwnerSchema>;

export const LaunchClockSourceSchema = z.enum(['first_call', 'operator']);
export type LaunchClockSource = z.infer<typeof LaunchClockSourceSchema>;

export const LaunchClockSchema = z.object({
  /** Null when an operator cleared T0 (e.g. a test call started it); the next live call sets it again. */
  t0: IsoUtcSchema.nullable(),
  setBy: ActorSchema,
  setAt: IsoUtcSchema,
  source: LaunchClockSourceSchema,
});
export type LaunchClock = z.infer<typeof LaunchClockSchema>;

/** One record of the cadence log: a whole entity, so replaying the records with last-write-wins per id rebuilds state. */
export const CadenceLineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('review'), record: ReviewRecordSchema }),
  z.object({ type: z.literal('known_issue'), issue: KnownIssueSchema }),
  z.object({ type: z.literal('shift_owner'), owner: ShiftOwnerSchema }),
  z.object({ type: z.literal('notified'), id: z.string().min(1), at: IsoUtcSchema }),
]);
export type CadenceLine = z.infer<typeof CadenceLineSchema>;
