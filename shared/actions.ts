import { z } from 'zod';
import { KPI_IDS, type KpiId } from './kpi.js';
import { RoutingActionRequestSchema, RoutingStateSchema, type Route, type RoutingActionName, type RoutingState } from './protocol.js';

/** Operator routing actions: the intent the console persists, and the outcome the renderer shows. */

export const ActionIntentSchema = z.object({
  id: z.string().min(1),
  /** Sent as the Idempotency-Key header on every attempt, including re-sends after a restart. */
  idempotencyKey: z.string().min(1),
  req: RoutingActionRequestSchema,
  /** Epoch ms (UTC) when the operator confirmed. */
  createdAt: z.number().int().nonnegative(),
  /** The routing state the operator saw when confirming; a rollback's read-back is checked against it. */
  before: RoutingStateSchema.nullable().optional(),
  /**
   * Set when the console decided on its own (an alert's countdown): after a restart such an
   * action proceeds without a confirm only while its rule still breaches on fresh data.
   */
  automatic: z
    .object({
      trigger: z.string(),
      ruleId: z.string().optional(),
      kpis: z.array(z.enum(KPI_IDS)).optional(),
    })
    .optional(),
});
export type ActionIntent = z.infer<typeof ActionIntentSchema>;

export const ActionStatusSchema = z.enum(['verified', 'unverified', 'failed']);
export type ActionStatus = z.infer<typeof ActionStatusSchema>;

export const ActionAppliedSchema = z.enum(['yes', 'no', 'unknown']);
export type ActionApplied = z.infer<typeof ActionAppliedSchema>;

const ActionOutcomeFields = {
  intentId: z.string().min(1),
  idempotencyKey: z.string().min(1),
  request: RoutingActionRequestSchema,
  /**
   * 'verified': the read-back shows the change. 'failed': it is known not to be applied
   * (rejected, or never reached the provider). 'unverified': anything in between.
   */
  status: ActionStatusSchema,
  /** True when at least one attempt may have reached the provider (not refused at connect). */
  sent: z.boolean(),
  applied: ActionAppliedSchema,
  /** POST attempts made, all with the same idempotency key. */
  attempts: z.number().int().nonnegative(),
  /** From execute start to verified (or to giving up). */
  elapsedMs: z.number().nonnegative(),
  providerReply: RoutingStateSchema.optional(),
  readBack: RoutingStateSchema.optional(),
  error: z.string().optional(),
  /** Plain words: what is known about the change. */
  knownText: z.string(),
  /** Manual steps for this kind of action from the configuration; empty when verified. */
  runbook: z.array(z.string()),
  /**
   * The verdict was due and none had come: the console goes on trying with the same key, and
   * the final outcome replaces this one (and is what the audit log records).
   */
  background: z.boolean().optional(),
};

export const ActionOutcomeSchema = z.object({
  ...ActionOutcomeFields,
  /**
   * Set when one confirm carried out several actions (route the affected intents, then pause the
   * ramp): each part as sent, read back and audited on its own; the fields above sum them up.
   */
  parts: z.array(z.object(ActionOutcomeFields)).optional(),
});
export type ActionOutcome = z.infer<typeof ActionOutcomeSchema>;

/** Where an action in flight is: POSTing (and waiting for the reply), waiting to retry, or reading the state back. */
export type ActionStep = 'sending' | 'retrying' | 'reading-back';

/** Agent calls in progress, as estimated from the stream: an estimate, with what it rests on. */
export interface InProgressEstimate {
  calls: number;
  /** The intents counted; null for all of them. */
  intents: string[] | null;
  /** How the figure was worked out, in words. */
  basis: string;
  /** The stream is not live: the figure is as of its last event, this long ago (wall clock). */
  staleForMs: number | null;
}

/** An action confirmed before a restart and not settled: read back, and waiting for the operator. */
export interface PendingAfterRestart {
  intent: ActionIntent;
  /** What the read-back after the restart says about it: the change is not in place, or nobody knows. */
  check: 'not-applied' | 'unknown';
  /** The provider's state read back; null when it could not be read. */
  state: RoutingState | null;
  /** Wall-clock ms of the newest read-back attempt. */
  checkedAt: number | null;
  error: string | null;
  /** For an automatic action, what the console waits for before it proceeds on its own; null otherwise. */
  automaticNote: string | null;
  /** A decision on it is being carried out. */
  resolving: boolean;
}

/** What an action changes, in words shown before the confirm. */
export interface EffectText {
  title: string;
  newCalls: string;
  inProgress: string;
}

/** Calls started since the action, by route, as MetricsAggregator.agentShareSince reports them. */
export interface AgentShareSince {
  calls: number;
  agent: number;
}

/** Calls started since a routing change, counted one by one as the stream reports them ended. */
export interface NewCallCounts {
  calls: number;
  agent: number;
  /** The agent's new calls by the version they ran on: what proves a rollback. */
  agentVersions: Record<string, number>;
  /** New calls of the intents the change moved, by route; null when it moved no intents in particular. */
  targeted: Record<Route, number> | null;
}

/**
 * What a routing provider can do. A provider that cannot route by intent (a phone-number adapter
 * never learns the caller's intent before the call is answered) is not offered intent-scoped actions.
 */
export interface ProviderCapabilities {
  actions: RoutingActionName[];
  intentScoped: boolean;
  /** Who the provider is, in the operator's words, for the message when something is refused. */
  name: string;
}

export interface StreamConfirmation {
  /** Stream time (epoch ms) of the update that confirmed the routing change. */
  atMs: number;
  afterMs: number;
  text: string;
}

export interface KpiRecovery {
  kpi: KpiId;
  recovered: boolean;
  afterMs?: number;
  text: string;
}

export interface RecoveryReport {
  streamConfirmed: StreamConfirmation | null;
  /** The stream check in words, also while waiting or after giving up. */
  streamText: string;
  kpis: KpiRecovery[];
  /** Nothing left to wait for: everything confirmed, recovered, or given up. */
  done: boolean;
}
