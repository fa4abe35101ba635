import type { StateCreator } from 'zustand';
import type { GateId } from '../../shared/gate-defaults.js';
import type { ConsoleState } from './store.js';

/** Which gate row is open for editing on the Launch decision screen, kept across tab switches. */
export interface GatesSlice {
  editingGate: GateId | null;
  editGate(gate: GateId | null): void;
}

export const createGatesSlice: StateCreator<ConsoleState, [], [], GatesSlice> = (set) => ({
  editingGate: null,
  editGate: (editingGate) => set({ editingGate }),
});

export const selectGateRows = (s: ConsoleState) => s.snapshot?.gates.rows;
export const selectGateMode = (s: ConsoleState) => s.snapshot?.gates.mode;
export const selectGoBlockers = (s: ConsoleState) => s.snapshot?.gates.blockers;
export const selectLastDecision = (s: ConsoleState) => s.snapshot?.gates.lastDecision ?? null;
export const selectGatesProblem = (s: ConsoleState) => s.snapshot?.gates.problem ?? null;
