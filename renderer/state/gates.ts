import type { StateCreator } from 'zustand';
import type { ConsoleState } from './store.js';

/** The decision note being written, kept when the operator looks at another tab before deciding. */
export interface GatesSlice {
  decisionNote: string;
  setDecisionNote(note: string): void;
}

export const createGatesSlice: StateCreator<ConsoleState, [], [], GatesSlice> = (set) => ({
  decisionNote: '',
  setDecisionNote: (decisionNote) => set({ decisionNote }),
});

export const selectGateRows = (s: ConsoleState) => s.snapshot?.gates.rows;
export const selectGateMode = (s: ConsoleState) => s.snapshot?.gates.mode;
export const selectGoBlockers = (s: ConsoleState) => s.snapshot?.gates.blockers;
export const selectLastDecision = (s: ConsoleState) => s.snapshot?.gates.lastDecision ?? null;
export const selectGatesProblem = (s: ConsoleState) => s.snapshot?.gates.problem ?? null;
