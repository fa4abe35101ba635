import { OVERDUE_AFTER_MS, type ReviewDecision, type ReviewStatus, type ScheduledReview } from './cadence.js';
import { countdown } from './time-format.js';

/** How the screen, notifications and the audit log name reviews and their decisions: one wording for all. */

/** "First-hour review (T0+1h)": the offset tells the 4-hourly reviews apart and dates each one on the launch clock. */
export function reviewName(review: Pick<ScheduledReview, 'label' | 'offsetHours'>): string {
  return `${review.label} (T0+${review.offsetHours}h)`;
}

/** A decision as a sentence part, "completed: hold the ramp"; `decisionTitle` starts a line or labels a choice. */
export const DECISION_TEXT: Record<ReviewDecision, string> = {
  continue: 'continue the ramp',
  hold: 'hold the ramp',
  rollback: 'roll back',
};

export function decisionTitle(decision: ReviewDecision): string {
  return capitalize(DECISION_TEXT[decision]);
}

export type Urgency = 'calm' | 'due' | 'overdue';

/** How loudly a review not yet done calls for attention, from its due time alone (opened or not). */
export function urgency(dueAt: number, now: number): Urgency {
  if (now < dueAt) return 'calm';
  return now < dueAt + OVERDUE_AFTER_MS ? 'due' : 'overdue';
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
      return `In progress, ${dueIn(now, dueAt)}`;
    case 'upcoming':
      return `Upcoming, ${countdown(now, dueAt).text}`;
    case 'due':
      return 'Due now';
    case 'overdue':
      return capitalize(countdown(now, dueAt).text);
  }
}

/** "due in 12 min", "due now", "overdue by 3 min": for a review already opened. */
export function dueIn(now: number, dueAt: number): string {
  return countdown(now, dueAt).text.replace(/^in /, 'due in ');
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
