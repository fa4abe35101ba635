import type { ReviewRecord, ScheduledReview } from '../../../shared/cadence.js';
import { countdown } from '../../../shared/time-format.js';
import { capitalize, reviewName } from '../../../shared/review-text.js';
import { recordsById, reviewStatus } from './schedule.js';

export type ReviewNotificationKind = 'due' | 'overdue';

export interface ReviewNotification {
  /** Persist this once the notification is shown; it is never offered again. */
  id: string;
  reviewId: string;
  kind: ReviewNotificationKind;
  title: string;
  body: string;
}

/**
 * The id names the review and its due instant, so moving T0 gives the new schedule fresh
 * notifications while a restart on the same T0 finds the old ones already sent.
 */
export function notificationId(review: ScheduledReview, kind: ReviewNotificationKind): string {
  return `${review.id}@${new Date(review.dueAt).toISOString()}:${kind}`;
}

/**
 * The notifications to show now. Each review offers at most the one that matches its current
 * status: after a sleep past the overdue mark only "overdue" is offered, never the stale "due"
 * first. Reviews already opened or done offer nothing.
 */
export function notificationsToSend(
  schedule: readonly ScheduledReview[],
  records: readonly ReviewRecord[],
  sentIds: ReadonlySet<string>,
  now: number,
): ReviewNotification[] {
  const byId = recordsById(records);
  const out: ReviewNotification[] = [];
  for (const review of schedule) {
    const status = reviewStatus(review, byId.get(review.id), now);
    if (status !== 'due' && status !== 'overdue') continue;
    const id = notificationId(review, status);
    if (sentIds.has(id)) continue;
    const name = reviewName(review);
    out.push({
      id,
      reviewId: review.id,
      kind: status,
      title: status === 'due' ? `${name} is due` : `${name} is overdue`,
      body:
        status === 'due'
          ? `Open the review to freeze its evidence and work through ${review.checks.length} checks.`
          : `${capitalize(countdown(now, review.dueAt).text)}. Open it now; the next review builds on it.`,
    });
  }
  return out;
}
