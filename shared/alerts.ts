import type { KpiId } from './kpi.js';
import type { AlertRule } from './config.js';

/** The alert state contract: what the core's rule engine produces and the renderer shows. */

export const ALERT_STATES = ['ok', 'pending', 'firing', 'recovering', 'resolved', 'nodata', 'insufficient'] as const;
export type AlertStateName = (typeof ALERT_STATES)[number];

export type AlertSeverity = AlertRule['severity'];
export type AlertActionName = NonNullable<AlertRule['recommendedAction']>['action'];

/** One rule's state after an evaluation. Times are epoch ms on the engine's (stream) clock. */
export interface RuleState {
  ruleId: string;
  state: AlertStateName;
  /** When the current state began. */
  since: number;
  /** The current value in the rule's window; null when none is current (old numbers never decide). */
  value: number | null;
  /** Trip threshold in the KPI's unit (baseline multiples resolved); null when unknown. */
  threshold: number | null;
  /** Clear threshold in the KPI's unit; equals `threshold` unless the rule sets its own. */
  clearThreshold: number | null;
  reason: string;
  /** Start of the open firing episode; kept through recovering, nodata and low traffic until resolved. */
  firedAt?: number;
  /** When the trip condition began holding without a break (pending, and the breach start while firing). */
  pendingSince?: number;
  /** The count the minimum-sample check used (the KPI's denominator; calls for count KPIs). */
  sample: number;
  /**
   * For a rate rule, the one-sided confidence bound its trip is judged on: the lower bound for a
   * ceiling, the upper bound for a floor. Absent for rules judged on the value itself.
   */
  bound?: number;
  /** More calls needed, at the current rate, before the bound can prove the breach the value shows. */
  callsNeeded?: number;
  /** While a pending period is paused by a gap or too few calls: when the pause began. */
  pausedSince?: number;
  /** Paused time already left out of the current pending period. */
  pausedMs?: number;
}

/** What happened at a state change; `fired` opens an episode, `resolved` closes it. */
export type AlertTransitionKind =
  | 'pending'
  | 'fired'
  | 'refired'
  | 'recovering'
  | 'resolved'
  | 'nodata'
  | 'insufficient'
  | 'ok';

export interface AlertTransition {
  kind: AlertTransitionKind;
  ruleId: string;
  ruleName: string;
  severity: AlertSeverity;
  kpi: KpiId;
  from: AlertStateName | null;
  to: AlertStateName;
  at: number;
  value: number | null;
  threshold: number | null;
  reason: string;
  /** The firing episode this belongs to (its firedAt), when one is open or just closed. */
  episode?: number;
}

export interface AlertAcknowledgement {
  kind: 'acknowledged';
  ruleId: string;
  episode: number;
  operator: string;
  /** Wall-clock epoch ms. */
  at: number;
}

export type AlertLogEntry = AlertTransition | AlertAcknowledgement;

/** A KPI's baseline taken from live traffic, and who took it. */
export interface CapturedBaseline {
  value: number;
  /** The capture (a BaselineChange id) that set it. */
  change: number;
  by: string;
  /** Stream time at the end of the window it was taken over, epoch ms. */
  streamTime: number;
  /** The window's length; null for a capture kept from before the history was. */
  windowMin: number | null;
}

export type KpiReason = { kpi: KpiId; reason: string };

/** One change to the baselines, as the history on the Alerts tab lists it. `at` is wall-clock ms. */
export type BaselineChange =
  | {
      id: number;
      kind: 'capture';
      by: string;
      at: number;
      streamTime: number;
      windowMin: number | null;
      values: Partial<Record<KpiId, number>>;
      skipped: KpiReason[];
      /** What each captured KPI held before: a capture, or null for the configured value (or none). */
      previous: Partial<Record<KpiId, CapturedBaseline | null>>;
      /** Critical alerts up over the window, when the operator captured despite them. */
      warning: string | null;
    }
  | {
      id: number;
      kind: 'revert';
      by: string;
      at: number;
      revertOf: number;
      /** What each KPI went back to: a value, or null for no baseline. */
      restored: Partial<Record<KpiId, number | null>>;
      /** KPIs captured again since, left as they are. */
      kept: KpiReason[];
    };

/** The baselines in force, where each came from, and the latest changes (oldest first). */
export interface BaselineSet {
  /** The configured values with the captured ones over them. */
  values: Partial<Record<KpiId, number>>;
  /** The KPIs whose value was captured; the rest come from the launch configuration. */
  captured: Partial<Record<KpiId, CapturedBaseline>>;
  history: BaselineChange[];
}

/** 'paused' while its episode is recovering or without data: it resumes if the breach does. */
export type CountdownStatus = 'counting' | 'paused' | 'due' | 'cancelled' | 'withdrawn';

/** An automatic action counting down in wall-clock time, one per firing episode. */
export interface AutoActCountdown {
  ruleId: string;
  ruleName: string;
  /** The rule state's firedAt: the episode this countdown belongs to. */
  episode: number;
  action: AlertActionName;
  /** 'all' or the intent the rule watches; the action applies there. */
  scope: string;
  text: string;
  /** Wall-clock epoch ms. */
  startedAt: number;
  /** When it comes due while counting; while paused, when it would have. */
  dueAt: number;
  status: CountdownStatus;
  /** While paused: the time left when it paused, and since when. */
  remainingMs?: number;
  pausedAt?: number;
  endedAt?: number;
  /** Operator who cancelled, for 'cancelled'. */
  cancelledBy?: string;
  /** Why a countdown was withdrawn without acting, or why it is paused. */
  note?: string;
}
