import type { AlertActionName } from './alerts.js';

/** An alert's recommended action aimed where the evidence points: which intents, and why those. */

export interface IntentEvidence {
  intent: string;
  value: number;
  /** The KPI's own sample for the intent in the rule's window (connected calls, escalations...). */
  sample: number;
  /** "order status: task completion 41.0% of 120 connected calls" */
  text: string;
}

export interface Recommendation {
  action: AlertActionName;
  /** The intents to route, prefilled in the confirm; null for every intent (or an action that is not aimed at intents). */
  intents: string[] | null;
  /** Pause the ramp in the same confirm. */
  pauseRamp: boolean;
  /** The button's text: the action with its intents named. */
  label: string;
  /** Why these intents, in words, including those left out for too few calls. */
  basis: string;
  /** The intents whose own figures breach, worst first. */
  evidence: IntentEvidence[];
}
