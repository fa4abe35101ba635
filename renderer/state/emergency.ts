import type { StateCreator } from 'zustand';
import type { RoutingActionName } from '../../shared/protocol.js';
import type { ConsoleState } from './store.js';

/** What another screen asks the emergency controls to confirm (an alert's action, a review's rollback). */
export interface EmergencyRequest {
  action: RoutingActionName;
  /** Prefilled in the confirm, where the operator may change them before confirming. */
  intents?: string[];
  share?: number;
  /** Pause the ramp in the same confirm (a route to fallback or to humans only). */
  pauseRamp?: boolean;
  /** Why these intents, shown beside them: the figures that single them out. */
  basis?: string;
  reason?: string;
  /** Where the request came from, shown in the confirm. */
  origin: string;
}

export interface EmergencySlice {
  emergency: EmergencyRequest | null;
  openEmergency(request: EmergencyRequest): void;
  closeEmergency(): void;
}

export const createEmergencySlice: StateCreator<ConsoleState, [], [], EmergencySlice> = (set) => ({
  emergency: null,
  openEmergency: (emergency) => set({ emergency }),
  closeEmergency: () => set({ emergency: null }),
});

export const selectRouting = (s: ConsoleState) => s.snapshot?.routing;
export const selectActions = (s: ConsoleState) => s.snapshot?.actions;
export const selectInFlight = (s: ConsoleState) => s.snapshot?.actions.inFlight ?? null;
export const selectLastOutcome = (s: ConsoleState) => s.snapshot?.actions.lastOutcome ?? null;
export const selectPendingAfterRestart = (s: ConsoleState) => s.snapshot?.actions.pendingAfterRestart;
export const selectAuditOpened = (s: ConsoleState) => s.snapshot?.actions.auditOpened;
