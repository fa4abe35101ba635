import type { StateCreator } from 'zustand';
import type { Screen } from '../../shared/team.js';
import type { ConsoleState } from './store.js';

export type View = Screen;

export interface NavigationSlice {
  view: View;
  setView(view: View): void;
}

export const createNavigationSlice: StateCreator<ConsoleState, [], [], NavigationSlice> = (set) => ({
  view: 'dashboard',
  setView: (view) => set({ view }),
});
