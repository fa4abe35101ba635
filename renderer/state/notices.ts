import type { StateCreator } from 'zustand';
import type { ConsoleState } from './store.js';

export interface Notice {
  id: string;
  title: string;
  body: string;
  severity: 'info' | 'warning' | 'critical';
  at: number;
}

export interface NoticesSlice {
  notices: Notice[];
  addNotice(notice: Notice): void;
  dismissNotice(id: string): void;
  /** A review's due and overdue notices have done their job once someone opens it. Their ids start with the review id. */
  dismissReviewNotices(reviewId: string): void;
}

const MAX_NOTICES = 5;

export const createNoticesSlice: StateCreator<ConsoleState, [], [], NoticesSlice> = (set) => ({
  notices: [],
  addNotice: (notice) => set((s) => ({ notices: [notice, ...s.notices.filter((n) => n.id !== notice.id)].slice(0, MAX_NOTICES) })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  dismissReviewNotices: (reviewId) => set((s) => ({ notices: s.notices.filter((n) => !n.id.startsWith(`${reviewId}@`)) })),
});
