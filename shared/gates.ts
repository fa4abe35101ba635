import { z } from 'zod';
import { GATE_IDS, type GateDefinition, type GateId } from './gate-defaults.js';

/** The launch decision: six gates, their evidence and results, and the go / no-go frozen from them. */

export const GateIdSchema = z.enum(GATE_IDS);

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** Evidence an owner attaches: a link, or a file known by its name and digest (the file itself stays where it is). */
export const GateEvidenceInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('link'), url: z.url({ protocol: /^https?$/ }).max(2000), label: z.string().trim().max(200).optional() }),
  z.strictObject({ kind: z.literal('file'), name: z.string().trim().min(1).max(260), size: z.number().int().nonnegative(), sha256 }),
]);
export type GateEvidenceInput = z.infer<typeof GateEvidenceInputSchema>;
export type GateEvidence = GateEvidenceInput & { addedBy: string; addedAt: number };

export type GateResult = 'pass' | 'fail';

export interface RiskAcceptance {
  by: string;
  why: string;
  at: number;
}

/** A figure the console filled in itself, and where it came from. */
export interface ConsoleFact {
  label: string;
  value: string;
  source: string;
  /** Whether it meets its target: null when it is context, not a test. */
  ok: boolean | null;
}

/** How a row stands once the rules are applied. */
export type GateStatus = 'pass' | 'fail' | 'risk-accepted' | 'not-passed' | 'not-required';

export interface GateRow {
  id: GateId;
  definition: GateDefinition;
  /** Ticked items by index, with who ticked them; items the console proves are ticked by "console". */
  items: { text: string; done: boolean; by: string | null; source: string | null }[];
  owner: string | null;
  evidence: GateEvidence[];
  facts: ConsoleFact[];
  /** The owner's recorded result. */
  result: { result: GateResult; by: string; at: number; note: string } | null;
  risk: RiskAcceptance | null;
  status: GateStatus;
  /** Why the row stands as it does, in words. */
  reasons: string[];
  /** Whether this row keeps "go" from being taken. */
  blocksGo: boolean;
}

export interface GateMode {
  mode: 'all' | 'minimum';
  /** Required for the minimum mode. */
  reason: string | null;
  by: string | null;
  at: number | null;
}

export interface LaunchDecision {
  decision: 'go' | 'no-go';
  by: string;
  at: number;
  note: string;
  mode: GateMode;
  /** The table as it stood when decided. */
  rows: GateRow[];
  /** The audit entry it was frozen into. */
  auditSeq: number;
}

export interface GatesView {
  mode: GateMode;
  rows: GateRow[];
  /** Why "go" cannot be taken now; empty when it can. */
  blockers: string[];
  lastDecision: LaunchDecision | null;
  problem: string | null;
}

export const GATE_STATUS_TEXT: Record<GateStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  'risk-accepted': 'Risk accepted',
  'not-passed': 'Not passed',
  'not-required': 'Not required',
};
