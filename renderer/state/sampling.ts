import type { StateCreator } from 'zustand';
import type { ConsoleState } from './store.js';

/**
 * Where the reviewer is in the Sampling tab, outside the components so switching to another tab
 * and back (or checking the dashboard mid-review) returns to the same call.
 */
export interface SamplingSlice {
  /** The session open for replay; null shows the overview. */
  replaySession: string | null;
  /** The call on screen; null until the session loads, then the first call without a verdict. */
  callIndex: number | null;
  /** The session just drawn, whose spread the overview shows. */
  lastDrawn: string | null;
  openReplay(sessionId: string): void;
  closeReplay(): void;
  setCallIndex(callIndex: number): void;
  setLastDrawn(sessionId: string | null): void;
}

export const createSamplingSlice: StateCreator<ConsoleState, [], [], SamplingSlice> = (set) => ({
  replaySession: null,
  callIndex: 0,
  lastDrawn: null,
  openReplay: (replaySession) => set({ replaySession, callIndex: null }),
  closeReplay: () => set({ replaySession: null, callIndex: null }),
  setCallIndex: (callIndex) => set({ callIndex }),
  setLastDrawn: (lastDrawn) => set({ lastDrawn }),
});
