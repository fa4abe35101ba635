import { z } from 'zod';
import type { KpiId } from './kpi.js';
import { RoutingActionRequestSchema, RoutingStateSchema } from './protocol.js';

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
});
export type ActionIntent = z.infer<typeof ActionIntentSchema>;

export const ActionStatusSchema = z.enum(['verified', 'unverified', 'failed']);
export type ActionStatus = z.infer<typeof ActionStatusSchema>;

export const ActionAppliedSchema = z.enum(['yes', 'no', 'unknown']);
export type ActionApplied = z.infer<typeof ActionAppliedSchema>;

export const ActionOutcomeSchema = z.object({
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
  /** Manual fallback steps from the configuration; empty when verified. */
  runbook: z.array(z.string()),
});
export type ActionOutcome = z.infer<typeof ActionOutcomeSchema>;

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
