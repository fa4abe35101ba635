import type { StateCreator } from 'zustand';
import type { ConsoleState } from './store.js';

export interface CadenceSlice {
  /** Which review the Reviews tab shows in its form; the countdown in the top bar selects the next one. */
  selectedReview: string | null;
  selectReview(id: string | null): void;
}

export const createCadenceSlice: StateCreator<ConsoleState, [], [], CadenceSlice> = (set) => ({
  selectedReview: null,
  selectReview: (selectedReview) => set({ selectedReview }),
});

export const selectCadence = (s: ConsoleState) => s.snapshot?.cadence;
