import type { StateCreator } from 'zustand';
import type { KpiId, WindowMinutes } from '../../shared/kpi.js';
import type { ConsoleState } from './store.js';

export interface DashboardSlice {
  windowMin: WindowMinutes;
  setWindow(windowMin: WindowMinutes): void;
}

export const createDashboardSlice: StateCreator<ConsoleState, [], [], DashboardSlice> = (set) => ({
  windowMin: 5,
  setWindow: (windowMin) => set({ windowMin }),
});

const windows = (s: ConsoleState) => s.snapshot?.metrics?.windows[s.windowMin] ?? null;

/** The line above the tiles; builds an object, so read it with useShallow. */
export const selectWindowSummary = (s: ConsoleState) => {
  const w = windows(s);
  return {
    windowMin: s.windowMin,
    incomplete: w?.overall.incomplete ?? false,
    calls: w?.overall.calls ?? 0,
    allCalls: w?.overall.allCalls ?? 0,
    totalCalls: s.snapshot?.metrics?.totalCalls ?? 0,
  };
};

/** One tile's figures over the chosen window, in the order given; builds an array, so read it with useShallow. */
export const selectKpiValues = (ids: readonly KpiId[]) => (s: ConsoleState) => {
  const kpis = windows(s)?.overall.kpis;
  return ids.map((id) => (kpis ? kpis[id] : null));
};

export const selectSeries = (s: ConsoleState) => s.snapshot?.metrics?.series;
export const selectIntentStats = (s: ConsoleState) => windows(s)?.intents;
