import { z } from 'zod';
import type { KpiId, KpiValues } from './kpi.js';
import { RoutingActionNameSchema } from './protocol.js';

/** The staged rollout the console runs, and the rollback rehearsals that feed the rollback gate. */

/** The counts a stage's figures rest on, named as WindowStats names them. */
export type FigureCounts = Record<'allCalls' | 'calls' | 'connected' | 'agentTurns' | 'toolCalls' | 'escalations', number>;

/** KPI figures over (part of) a stage, with the words that say which part. */
export interface StageFigures {
  /** "figures over the last 60 min of the stage" */
  label: string;
  from: number;
  to: number;
  counts: FigureCounts;
  kpis: KpiValues;
}

export type CriterionState = 'met' | 'unmet' | 'waiting' | 'nodata';

export interface CriterionView {
  id: string;
  label: string;
  state: CriterionState;
  reason: string;
  /** For a rate: the point estimate and the bound it is judged on. */
  estimate?: number;
  bound?: number;
  boundName?: string;
  callsNeeded?: number;
  /** An alert rule behind it, so the screen can offer the rule's recommended action. */
  ruleId?: string;
  kpi?: KpiId;
}

export interface HumanCheck {
  text: string;
  /** Who made the judgement, who recorded it, when (launch time), and their note. */
  done: { person: string; recordedBy: string; note: string; at: number } | null;
}

export interface StageSpan {
  stage: number;
  name: string;
  share: number;
  /** Launch time, epoch ms. */
  from: number;
  to: number | null;
  /** Hold counted toward promotion (paused time left out). */
  heldMs: number;
  pausedMs: number;
  enteredHow: string;
  leftHow: string | null;
  leftBy: string | null;
  criticalAlerts: { ruleId: string; name: string; at: number }[];
  /** The stage's figures as they stood when it was left. */
  figuresAtExit: StageFigures | null;
  /** Figures through the stage, one point per period, coarser as the stage grows long (bounded). */
  series: StagePoint[];
}

/** One period of a stage's record: launch time it ends at, and its figures then. */
export interface StagePoint {
  t: number;
  calls: number;
  connected: number;
  taskCompletion: number | null;
  turnLatencyP95: number | null;
}

export interface LadderStageView {
  index: number;
  name: string;
  share: number;
  minHoldMs: number;
  maxHoldMs: number | null;
}

export type LadderPosition =
  | { kind: 'unknown'; why: string }
  | { kind: 'on'; stage: number }
  | { kind: 'off'; providerShare: number; stage: number | null; why: string }
  | { kind: 'halted'; stage: number | null; why: string; at: number };

export interface RolloutView {
  stages: LadderStageView[];
  position: LadderPosition;
  /** The stage the ladder is at (the last one matched), even when off the ladder or halted. */
  current: number | null;
  heldMs: number;
  holdRemainingMs: number | null;
  /** True while the hold does not count: ramp paused, off the ladder, halted. */
  frozen: boolean;
  frozenWhy: string | null;
  criteria: CriterionView[];
  checks: HumanCheck[];
  figures: StageFigures | null;
  next: number | null;
  /** Whether the shift owner's click would promote now, and if not, why not in words. */
  canPromote: boolean;
  promoteBlockers: string[];
  autoPromote: boolean;
  /** Promotion sent and not settled yet. */
  promoting: boolean;
  spans: StageSpan[];
  /** Launch time the view was computed at. */
  now: number;
  rehearsal: RehearsalView;
  problem: string | null;
}

export const RehearsalActionSchema = RoutingActionNameSchema.extract(['stop_all', 'route_fallback', 'rollback']);
export type RehearsalAction = z.infer<typeof RehearsalActionSchema>;

export type RehearsalStepKind = 'triggered' | 'verified' | 'fallback-seen' | 'fallback-heard' | 'manual' | 'restored';

export interface RehearsalStep {
  kind: RehearsalStepKind;
  text: string;
  /** Wall-clock ms since the rehearsal started. */
  afterMs: number;
}

export interface Rehearsal {
  id: string;
  by: string;
  action: RehearsalAction;
  /** The provider acted on, in words. */
  provider: string;
  live: boolean;
  startedAt: number;
  steps: RehearsalStep[];
  finishedAt: number | null;
  /** From the start to the restore verified. */
  totalMs: number | null;
  passed: boolean | null;
  /** Why it passed or failed, in words. */
  verdict: string | null;
  manualSteps: string[];
}

export interface RehearsalView {
  /** The provider a rehearsal acts on, as the confirm names it. */
  provider: string;
  live: boolean;
  passUnderMs: number;
  active: Rehearsal | null;
  recent: Rehearsal[];
  /** Whether the active one is waiting for a step in flight. */
  busy: boolean;
}
