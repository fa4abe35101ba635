import { create } from 'zustand';
import { createAlertsSlice, type AlertsSlice } from './alerts.js';
import { createCadenceSlice, type CadenceSlice } from './cadence.js';
import { createDashboardSlice, type DashboardSlice } from './dashboard.js';
import { createEmergencySlice, type EmergencySlice } from './emergency.js';
import { createNavigationSlice, type NavigationSlice } from './navigation.js';
import { createNoticesSlice, type NoticesSlice } from './notices.js';
import { createSamplingSlice, type SamplingSlice } from './sampling.js';
import { createGatesSlice, type GatesSlice } from './gates.js';
import { createRolloutSlice, type RolloutSlice } from './rollout.js';
import { createSnapshotSlice, type SnapshotSlice } from './snapshot.js';
import { createTeamSlice, type TeamSlice } from './team.js';

/**
 * One store in slices, one per feature, each with the selectors its screens use. Components
 * select the narrowest value they show: the snapshot is structurally shared on arrival, so an
 * unchanged part keeps its reference and its readers do not render again.
 */
export type ConsoleState = SnapshotSlice &
  NavigationSlice &
  NoticesSlice &
  DashboardSlice &
  AlertsSlice &
  EmergencySlice &
  CadenceSlice &
  SamplingSlice &
  GatesSlice &
  RolloutSlice &
  TeamSlice;

export const useConsole = create<ConsoleState>()((...a) => ({
  ...createSnapshotSlice(...a),
  ...createNavigationSlice(...a),
  ...createNoticesSlice(...a),
  ...createDashboardSlice(...a),
  ...createAlertsSlice(...a),
  ...createEmergencySlice(...a),
  ...createCadenceSlice(...a),
  ...createSamplingSlice(...a),
  ...createGatesSlice(...a),
  ...createRolloutSlice(...a),
  ...createTeamSlice(...a),
}));
