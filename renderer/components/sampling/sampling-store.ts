import { create } from 'zustand';

/**
 * Where the reviewer is in the Sampling tab, outside the components so switching to another tab
 * and back (or checking the dashboard mid-review) returns to the same call.
 */
interface SamplingUi {
  /** The session open for replay; null shows the overview. */
  sessionId: string | null;
  /** The call on screen; null until the session loads, then the first call without a verdict. */
  callIndex: number | null;
  /** The session just drawn, whose spread the overview shows. */
  lastDrawn: string | null;
  open(sessionId: string): void;
  close(): void;
  setCallIndex(callIndex: number): void;
  setLastDrawn(sessionId: string | null): void;
}

export const useSamplingUi = create<SamplingUi>((set) => ({
  sessionId: null,
  callIndex: 0,
  lastDrawn: null,
  open: (sessionId) => set({ sessionId, callIndex: null }),
  close: () => set({ sessionId: null, callIndex: null }),
  setCallIndex: (callIndex) => set({ callIndex }),
  setLastDrawn: (lastDrawn) => set({ lastDrawn }),
}));
