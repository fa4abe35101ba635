import type { Screen } from '../../../shared/team.js';

/** The screens as the tabs name them, for the presence list. */
export const SCREEN_LABELS: Record<Screen, string> = {
  dashboard: 'Dashboard',
  alerts: 'Alerts',
  reviews: 'Reviews',
  sampling: 'Sampling',
  decision: 'Launch decision',
  audit: 'Audit log',
};
