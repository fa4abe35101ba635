import type { StateCreator } from 'zustand';
import type { ConsoleState } from './store.js';

/** Whether the rollout panel shows the ladder's stage records (spans) below the current stage. */
export interface RolloutSlice {
  showStageRecords: boolean;
  setShowStageRecords(show: boolean): void;
}

export const createRolloutSlice: StateCreator<ConsoleState, [], [], RolloutSlice> = (set) => ({
  showStageRecords: false,
  setShowStageRecords: (showStageRecords) => set({ showStageRecords }),
});

export const selectRollout = (s: ConsoleState) => s.snapshot?.rollout;
export const selectRehearsal = (s: ConsoleState) => s.snapshot?.rollout.rehearsal;
