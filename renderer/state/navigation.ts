import type { StateCreator } from 'zustand';
import type { ConsoleState } from './store.js';

export type View = 'dashboard' | 'alerts' | 'reviews' | 'sampling' | 'decision' | 'audit';

export interface NavigationSlice {
  view: View;
  setView(view: View): void;
}

export const createNavigationSlice: StateCreator<ConsoleState, [], [], NavigationSlice> = (set) => ({
  view: 'dashboard',
  setView: (view) => set({ view }),
});
