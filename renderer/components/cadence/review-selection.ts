import { create } from 'zustand';

/** Which review the Reviews tab shows in its form; the countdown in the top bar selects the next one. */
export const useReviewSelection = create<{ selected: string | null; select(id: string | null): void }>((set) => ({
  selected: null,
  select: (selected) => set({ selected }),
}));
