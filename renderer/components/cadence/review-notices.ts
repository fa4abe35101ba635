import { useConsole } from '../../store.js';

/** A review's due and overdue notices have done their job once someone opens it. Their ids start with the review id. */
export function dismissReviewNotices(reviewId: string): void {
  const { notices, dismissNotice } = useConsole.getState();
  for (const n of notices) if (n.id.startsWith(`${reviewId}@`)) dismissNotice(n.id);
}
