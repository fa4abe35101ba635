import type { ReviewDecision, ReviewStatus, ScheduledReview } from '../../../shared/cadence.js';
import { OVERDUE_AFTER_MS } from '../../../shared/cadence.js';
import { countdown } from '../../../shared/time-format.js';

/** Words and colours the review screens share. */

/** "First-hour review", "4-hourly review (T0+8h)": the 4-hourly ones need their offset to be told apart. */
export function reviewName(review: Pick<ScheduledReview, 'kind' | 'label' | 'offsetHours'>): string {
  return review.kind === 'four_hourly' ? `${review.label} (T0+${review.offsetHours}h)` : review.label;
}

export const DECISION_TEXT: Record<ReviewDecision, string> = {
  continue: 'Continue the ramp',
  hold: 'Hold',
  rollback: 'Roll back',
};

export type Urgency = 'calm' | 'due' | 'late';

/** How loudly a review not yet done calls for attention, from its due time alone (opened or not). */
export function urgency(dueAt: number, now: number): Urgency {
  if (now < dueAt) return 'calm';
  return now < dueAt + OVERDUE_AFTER_MS ? 'due' : 'late';
}

/** The status in a table cell: the due time sits in the next column. */
export function shortStatusText(status: ReviewStatus, dueAt: number, now: number): string {
  switch (status) {
    case 'done':
      return 'Done';
    case 'in_progress':
      return 'In progress';
    case 'upcoming':
      return countdown(now, dueAt).text;
    case 'due':
      return 'Due now';
    case 'overdue':
      return capitalize(countdown(now, dueAt).text);
  }
}

export function statusText(status: ReviewStatus, dueAt: number, now: number): string {
  switch (status) {
    case 'done':
      return 'Done';
    case 'in_progress':
      return `In progress, ${countdown(now, dueAt).text.replace(/^in /, 'due in ')}`;
    case 'upcoming':
      return `Upcoming, ${countdown(now, dueAt).text}`;
    case 'due':
      return 'Due now';
    case 'overdue':
      return capitalize(countdown(now, dueAt).text);
  }
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
