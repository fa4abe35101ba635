import {
  OVERDUE_AFTER_MS,
  type ReviewCheckDefinition,
  type ReviewKind,
  type ReviewRecord,
  type ReviewStatus,
  type ScheduledReview,
} from '../../../shared/cadence.js';

export { countdown } from '../../../shared/time-format.js';

const HOUR_MS = 3_600_000;

const FIRST_HOUR_CHECKS: readonly ReviewCheckDefinition[] = [
  { id: 'failed_calls', label: 'Failed calls', kpis: ['agentErrorRate', 'modelErrorRate', 'toolSuccess', 'ttsFailures'] },
  { id: 'connection_errors', label: 'Connection errors', kpis: ['failedConnectionRate', 'callRate'] },
  { id: 'latency_spikes', label: 'Latency spikes', kpis: ['turnLatencyP95', 'timeToFirstWordP95', 'turnLatencyP50'] },
  { id: 'escalation_failures', label: 'Obvious escalation failures', kpis: ['escalationCorrectness'] },
];

const FOUR_HOURLY_CHECKS: readonly ReviewCheckDefinition[] = [
  { id: 'task_completion', label: 'Task completion', kpis: ['taskCompletion'] },
  { id: 'fallback_rate', label: 'Fallback rate', kpis: ['fallbackRate'] },
  { id: 'top_failed_intents', label: 'Top failed intents', kpis: ['agentErrorRate'] },
  { id: 'support_escalations', label: 'Support escalations', kpis: ['containment', 'escalationCorrectness'] },
];

const END_OF_DAY_1_CHECKS: readonly ReviewCheckDefinition[] = [
  { id: 'sample_calls', label: 'Sample 20-30 calls across intents', kpis: [] },
  { id: 'update_known_issues', label: 'Update known issues', kpis: [] },
  {
    id: 'continue_ramp',
    label: 'Decide whether to continue the ramp',
    kpis: ['failedConnectionRate', 'agentErrorRate', 'turnLatencyP95'],
  },
];

const END_OF_DAY_2_CHECKS: readonly ReviewCheckDefinition[] = [
  {
    id: 'compare_baseline',
    label: 'Compare to baseline',
    kpis: ['failedConnectionRate', 'agentErrorRate', 'turnLatencyP95', 'interruptionRate'],
  },
  { id: 'add_regression_tests', label: 'Add new regression tests', kpis: [] },
  { id: 'adjust_alerts_rotation', label: 'Adjust alerts and owner rotation', kpis: [] },
];

export interface PlannedReview {
  id: string;
  kind: ReviewKind;
  label: string;
  offsetHours: number;
  checks: readonly ReviewCheckDefinition[];
}

/**
 * The cadence relative to T0. The 4-hourly review that would fall at +24 h and +48 h is merged into
 * the end-of-day review at that moment: one review, its checks the 4-hourly ones followed by the
 * day's own, so the operator never runs two reviews over the same evidence at once.
 */
function plan(): PlannedReview[] {
  const reviews: PlannedReview[] = [
    { id: 'h1', kind: 'first_hour', label: 'First-hour review', offsetHours: 1, checks: FIRST_HOUR_CHECKS },
  ];
  for (let h = 4; h <= 48; h += 4) {
    if (h === 24) {
      reviews.push({
        id: 'd1', kind: 'end_of_day_1', label: 'End of day 1', offsetHours: h,
        checks: [...FOUR_HOURLY_CHECKS, ...END_OF_DAY_1_CHECKS],
      });
    } else if (h === 48) {
      reviews.push({
        id: 'd2', kind: 'end_of_day_2', label: 'End of day 2', offsetHours: h,
        checks: [...FOUR_HOURLY_CHECKS, ...END_OF_DAY_2_CHECKS],
      });
    } else {
      reviews.push({ id: `h${h}`, kind: 'four_hourly', label: '4-hourly review', offsetHours: h, checks: FOUR_HOURLY_CHECKS });
    }
  }
  return reviews;
}

export const REVIEW_PLAN: readonly PlannedReview[] = plan();

const PLAN_BY_ID = new Map(REVIEW_PLAN.map((r) => [r.id, r]));

/** The planned review with this id, or undefined; checks do not depend on T0. */
export function plannedReview(reviewId: string): PlannedReview | undefined {
  return PLAN_BY_ID.get(reviewId);
}

/**
 * Every review of the first 48 hours. Each evidence window runs from the previous review (or T0),
 * except an end-of-day review's, which covers its whole day: the day is what it decides on.
 */
export function buildSchedule(t0: number): ScheduledReview[] {
  let previousDue = t0;
  return REVIEW_PLAN.map((r) => {
    const dueAt = t0 + r.offsetHours * HOUR_MS;
    const endOfDay = r.kind === 'end_of_day_1' || r.kind === 'end_of_day_2';
    const windowStart = endOfDay ? Math.max(t0, dueAt - 24 * HOUR_MS) : previousDue;
    previousDue = dueAt;
    return { ...r, dueAt, windowStart, windowEnd: dueAt };
  });
}

export function reviewStatus(review: ScheduledReview, record: ReviewRecord | undefined, now: number): ReviewStatus {
  if (record?.completedAt !== undefined) return 'done';
  if (record) return 'in_progress';
  if (now < review.dueAt) return 'upcoming';
  return now < review.dueAt + OVERDUE_AFTER_MS ? 'due' : 'overdue';
}

export interface NextReview {
  review: ScheduledReview;
  status: ReviewStatus;
}

/**
 * The review that needs the operator next: the earliest one not done. A missed review stays first
 * (overdue) until someone completes it, so it is never skipped silently.
 */
export function nextReview(
  schedule: readonly ScheduledReview[],
  records: readonly ReviewRecord[],
  now: number,
): NextReview | null {
  const byId = recordsById(records);
  for (const review of schedule) {
    const status = reviewStatus(review, byId.get(review.id), now);
    if (status !== 'done') return { review, status };
  }
  return null;
}

export function recordsById(records: readonly ReviewRecord[]): Map<string, ReviewRecord> {
  return new Map(records.map((r) => [r.reviewId, r]));
}
