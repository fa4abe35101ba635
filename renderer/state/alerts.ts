import type { StateCreator } from 'zustand';
import type { ConsoleState } from './store.js';

export interface AlertsSlice {
  muted: boolean;
  setMuted(muted: boolean): void;
}

export const createAlertsSlice: StateCreator<ConsoleState, [], [], AlertsSlice> = (set) => ({
  muted: false,
  setMuted: (muted) => set({ muted }),
});

export const selectAlertsView = (s: ConsoleState) => s.snapshot?.alerts;
export const selectAlerts = (s: ConsoleState) => s.snapshot?.alerts.alerts;
export const selectCountdowns = (s: ConsoleState) => s.snapshot?.alerts.countdowns;
export const selectAlertLog = (s: ConsoleState) => s.snapshot?.alerts.log;
