import type { StateCreator } from 'zustand';
import type { ConsoleSnapshot } from '../../shared/console-state.js';
import { share } from './share.js';
import type { ConsoleState } from './store.js';

export interface SnapshotSlice {
  snapshot: ConsoleSnapshot | null;
  receiveSnapshot(snapshot: ConsoleSnapshot): void;
}

export const createSnapshotSlice: StateCreator<ConsoleState, [], [], SnapshotSlice> = (set) => ({
  snapshot: null,
  // A snapshot older than the one shown (a slow first read overtaken by a push) is dropped.
  receiveSnapshot: (next) =>
    set((s) => (s.snapshot && s.snapshot.generatedAt > next.generatedAt ? {} : { snapshot: share(s.snapshot, next) })),
});

export const selectConnected = (s: ConsoleState) => s.snapshot !== null;
export const selectLaunchName = (s: ConsoleState) => s.snapshot?.launchName ?? '';
export const selectIntents = (s: ConsoleState) => s.snapshot?.intents;
export const selectStream = (s: ConsoleState) => s.snapshot?.stream;
/** Figures are coloured against their targets only while the stream is live. */
export const selectLive = (s: ConsoleState) => s.snapshot?.stream.phase === 'live';
export const selectOperator = (s: ConsoleState) => s.snapshot?.operator ?? null;
