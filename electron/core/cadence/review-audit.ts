import type { AuditAppend } from '../../../shared/audit.js';
import { formatUtc } from '../../../shared/time-format.js';
import type { ReviewRecord, ScheduledReview } from '../../../shared/cadence.js';
import { DECISION_TEXT, reviewName } from '../../../shared/review-text.js';

/** The audit entries of the review cadence: the decision and the figures it was based on, in words and data. */

export function reviewOpenedEntry(review: ScheduledReview, record: ReviewRecord): AuditAppend {
  const { evidence } = record;
  const figures =
    evidence.metricsWindowMin === null ? 'no metrics available' : `${evidence.calls} agent calls in the last ${evidence.metricsWindowMin} min`;
  return {
    type: 'review',
    operator: record.openedBy,
    summary: `${reviewName(review)} opened; evidence frozen at ${formatUtc(Date.parse(evidence.capturedAt))} (${figures})`,
    data: {
      reviewId: review.id,
      dueAt: new Date(review.dueAt).toISOString(),
      capturedAt: evidence.capturedAt,
      metricsAt: evidence.metricsAt,
      calls: evidence.calls,
    },
  };
}

export function reviewCompletedEntry(review: ScheduledReview, record: ReviewRecord): AuditAppend {
  const decision = record.decision ?? 'continue';
  const issues = record.checks.filter((c) => c.verdict === 'issue').length;
  const ok = record.checks.length - issues;
  return {
    type: 'review',
    operator: record.completedBy ?? record.openedBy,
    summary: `${reviewName(review)} completed: ${DECISION_TEXT[decision]} (${ok} checks OK, ${issues} with an issue)`,
    data: { reviewId: review.id, dueAt: new Date(review.dueAt).toISOString(), decision, record },
  };
}
