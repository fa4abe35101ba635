import { z } from 'zod';
import type { ActionIntent, ActionOutcome, EffectText, InProgressEstimate } from './actions.js';
import { AUDIT_ENTRY_TYPES, type AuditEntry } from './audit.js';
import type { BridgeChannel } from './bridge-channels.js';
import { CheckVerdictSchema, KnownIssueInputSchema, ReviewDecisionSchema, type KnownIssue, type LaunchClock, type ReviewRecord, type ShiftOwner } from './cadence.js';
import type { ConsoleSnapshot, RoutingView } from './console-state.js';
import { KpiIdSchema } from './config.js';
import { WINDOW_MINUTES } from './kpi.js';
import { RoutingActionNameSchema, type CallRecord } from './protocol.js';
import { GateEvidenceInputSchema, GateIdSchema, type GatesView } from './gates.js';
import { RehearsalActionSchema, type RolloutView } from './rollout.js';
import {
  AnnotationPatchSchema,
  StartSamplingRequestSchema,
  type Annotation,
  type SessionProgress,
  type SessionSummary,
  type StoredSession,
} from './sampling.js';
import { TEAM_REQUESTS, type HandoverOffer, type Me, type OfflineMerge } from './team.js';

export { BRIDGE_CHANNELS, isBridgeChannel, PUSH_CHANNEL, type BridgeChannel } from './bridge-channels.js';

/**
 * The one API the renderer sees. The Electron preload and the web host's WebSocket client both
 * implement `ConsoleBridge`; the main side validates every request against BRIDGE_REQUESTS.
 * Who did something is never taken from the renderer: the core stamps the shift owner, or in
 * team mode the signed-in operator who asked.
 */

const empty = z.object({}).strict();
/** A launch report's span; T0 and the moment it is made when left out. */
const ReportSpanSchema = z.object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional() }).strict();
const operatorReason = z.string().trim().max(2000).optional();

export const BRIDGE_REQUESTS = {
  'console:snapshot': empty,
  'operator:set-shift-owner': z.object({ name: z.string().trim().min(1).max(200), note: z.string().max(4000).optional() }).strict(),
  'routing:prepare': z
    .object({
      action: RoutingActionNameSchema,
      intents: z.array(z.string().min(1)).optional(),
      share: z.number().min(0).max(100).optional(),
      /** Pause the ramp in the same confirm, after routing the intents. */
      pauseRamp: z.boolean().optional(),
    })
    .strict(),
  'routing:execute': z.object({ intentId: z.string().min(1), reason: operatorReason }).strict(),
  'routing:refresh': empty,
  'routing:resolve-pending': z
    .object({ intentId: z.string().min(1), decision: z.enum(['resend', 'discard']), reason: operatorReason })
    .strict(),
  'routing:token-status': empty,
  'routing:set-token': z
    .object({
      token: z
        .string()
        .trim()
        .min(8, 'the token looks too short to be a provider token')
        .max(4096)
        .regex(/^[\x21-\x7e]+$/, 'the token must be printable ASCII without spaces'),
    })
    .strict(),
  'audit:list': z
    .object({
      type: z.enum(AUDIT_ENTRY_TYPES).optional(),
      operator: z.string().optional(),
      text: z.string().optional(),
      limit: z.number().int().positive().max(5000).optional(),
    })
    .strict(),
  'audit:export': z
    .object({ format: z.enum(['jsonl', 'csv']), type: z.enum(AUDIT_ENTRY_TYPES).optional(), operator: z.string().optional(), text: z.string().optional() })
    .strict(),
  'alerts:acknowledge': z.object({ ruleId: z.string().min(1) }).strict(),
  'alerts:cancel-auto-act': z.object({ ruleId: z.string().min(1) }).strict(),
  'alerts:capture-baseline': z
    .object({
      windowMin: z.union(WINDOW_MINUTES.map((w) => z.literal(w))),
      /** The KPIs to capture; every KPI when left out. The others keep their baselines. */
      kpis: z.array(KpiIdSchema).min(1).optional(),
      /** Capture although a critical alert was up over the window (after the warning was shown). */
      despiteAlerts: z.boolean().optional(),
    })
    .strict(),
  'alerts:revert-baseline': z.object({ change: z.number().int().positive() }).strict(),
  'cadence:set-t0': z.object({ t0: z.iso.datetime().nullable() }).strict(),
  'review:open': z.object({ reviewId: z.string().min(1) }).strict(),
  'review:check': z
    .object({ reviewId: z.string().min(1), checkId: z.string().min(1), verdict: CheckVerdictSchema.nullable(), note: z.string().max(4000) })
    .strict(),
  'review:complete': z.object({ reviewId: z.string().min(1), decision: ReviewDecisionSchema }).strict(),
  'known-issue:upsert': KnownIssueInputSchema,
  'sampling:start': StartSamplingRequestSchema,
  'sampling:redraw': z.object({ sessionId: z.string().min(1), name: z.string().trim().min(1).max(200) }).strict(),
  'sampling:sessions': empty,
  'sampling:session': z.object({ sessionId: z.string().min(1) }).strict(),
  'sampling:annotate': AnnotationPatchSchema.omit({ updatedBy: true }),
  'sampling:reveal': z.object({ sessionId: z.string().min(1), callId: z.string().min(1) }).strict(),
  'sampling:recording': z.object({ sessionId: z.string().min(1), callId: z.string().min(1) }).strict(),
  'sampling:export': z
    .object({ sessionId: z.string().min(1), kind: z.enum(['annotations-csv', 'annotations-json', 'regression-cases']), unmasked: z.boolean().default(false) })
    .strict(),
  'gates:set-owner': z.object({ gate: GateIdSchema, name: z.string().trim().min(1).max(200) }).strict(),
  'gates:tick': z.object({ gate: GateIdSchema, index: z.number().int().nonnegative(), done: z.boolean() }).strict(),
  'gates:add-evidence': z.object({ gate: GateIdSchema, evidence: GateEvidenceInputSchema }).strict(),
  'gates:set-result': z.object({ gate: GateIdSchema, result: z.enum(['pass', 'fail']).nullable(), note: z.string().trim().max(2000).optional() }).strict(),
  /** A risk acceptance with its reason, or null to withdraw it. */
  'gates:accept-risk': z.object({ gate: GateIdSchema, why: z.string().trim().min(1).max(2000).nullable() }).strict(),
  'gates:set-mode': z.object({ mode: z.enum(['all', 'minimum']), reason: z.string().trim().min(1).max(2000).optional() }).strict(),
  'gates:decide': z.object({ decision: z.enum(['go', 'no-go']), note: z.string().trim().max(2000).optional() }).strict(),
  'gates:export': z.object({ format: z.enum(['json', 'html']) }).strict(),
  'rollout:promote': z.object({ reason: operatorReason }).strict(),
  'rollout:check': z
    .object({
      index: z.number().int().nonnegative(),
      /** The named person whose judgement it is; the shift owner when left out. */
      person: z.string().trim().max(200).optional(),
      note: z.string().trim().min(1, 'a check needs a note saying what was looked at').max(2000),
      done: z.boolean(),
    })
    .strict(),
  'rollout:return-to': z.object({ stage: z.number().int().nonnegative(), reason: operatorReason }).strict(),
  'rehearsal:start': z.object({ action: RehearsalActionSchema }).strict(),
  'rehearsal:trigger': empty,
  'rehearsal:tick': z.object({ kind: z.enum(['fallback-heard', 'manual']), text: z.string().trim().max(500) }).strict(),
  'rehearsal:restore': empty,
  'rehearsal:finish': empty,
  'report:build': ReportSpanSchema,
  'report:pdf': ReportSpanSchema,
  ...TEAM_REQUESTS,
} as const satisfies Record<BridgeChannel, z.ZodType>;

export interface PreparedAction {
  /** The first part; its id confirms them all. */
  intent: ActionIntent;
  /** Every part one confirm sends, in order, each with its own idempotency key (one, or a route then a pause). */
  steps: ActionIntent[];
  effect: EffectText;
  /** Calls in progress on the agent for the intents the action touches, estimated from the stream; null when unknown. */
  inProgress: InProgressEstimate | null;
}

/**
 * What the page may know about the routing provider's token: whether there is one and how it is
 * kept, never the token itself.
 */
export interface RoutingTokenStatus {
  present: boolean;
  /** Kept encrypted by the operating system's keychain across restarts. */
  keptEncrypted: boolean;
  /** The desktop app takes a token entered in the console; the web host reads it from the environment. */
  canEnter: boolean;
  /** One sentence for the operator: where the token comes from, or why it is not kept. */
  note: string;
}

export interface ExportFile {
  fileName: string;
  mimeType: string;
  content: string;
}

/** A PDF the desktop app printed, as base64 since the bridge carries JSON. */
export interface PdfFile {
  fileName: string;
  mimeType: 'application/pdf';
  base64: string;
}

export interface SessionListItem {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  size: number;
  /** The seed the draw used: with the pool below it draws the same calls again. */
  seed: number;
  /** The pool snapshot the sample was drawn from, and how many held calls it had; null for sessions drawn before pools were recorded. */
  pool: { id: string; calls: number } | null;
  progress: SessionProgress;
}

/** One intent of a session's sample beside the traffic it was drawn from. */
export interface SpreadRow {
  intent: string;
  /** Calls of the intent in the session's range, and their share of all its calls. */
  traffic: number;
  share: number;
  /** Calls a perfectly proportional sample would hold. */
  ideal: number;
  sampled: number;
  /** Share of the intent's calls with a failure signal; null once the hourly counts no longer cover the range. */
  trafficFailureShare: number | null;
  failuresSampled: number;
  /** How the sampled calls of the intent ended. */
  sampledOutcomes: Partial<Record<CallRecord['outcome'], number>>;
}

export interface SessionDetail {
  stored: StoredSession;
  annotations: Annotation[];
  progress: SessionProgress;
  summary: SessionSummary;
  spread: SpreadRow[];
  /** Personal data items masked per call id. */
  maskedItems: Record<string, number>;
  /** The one call shown unmasked after an audited reveal; every other call's free text is masked. */
  revealedCallId: string | null;
}

/** What an annotation changed: the saved record and the session's new standing. */
export interface AnnotationSaved {
  annotation: Annotation;
  progress: SessionProgress;
  summary: SessionSummary;
}

export interface BridgeResponses {
  'console:snapshot': ConsoleSnapshot;
  'operator:set-shift-owner': ShiftOwner;
  'routing:prepare': PreparedAction;
  'routing:execute': ActionOutcome;
  'routing:refresh': RoutingView;
  'routing:resolve-pending': ActionOutcome;
  'routing:token-status': RoutingTokenStatus;
  'routing:set-token': RoutingTokenStatus;
  'audit:list': AuditEntry[];
  'audit:export': ExportFile;
  'alerts:acknowledge': { ok: true };
  'alerts:cancel-auto-act': { ok: true };
  'alerts:capture-baseline':
    | { kind: 'captured'; change: number; captured: string[]; skipped: string[]; warning: string | null }
    | { kind: 'warning'; warning: string };
  'alerts:revert-baseline': { restored: string[]; kept: string[] };
  'cadence:set-t0': LaunchClock;
  'review:open': ReviewRecord;
  'review:check': ReviewRecord;
  'review:complete': ReviewRecord;
  'known-issue:upsert': KnownIssue;
  'sampling:start': SessionListItem;
  'sampling:redraw': SessionListItem;
  'sampling:sessions': SessionListItem[];
  'sampling:session': SessionDetail;
  'sampling:annotate': AnnotationSaved;
  'sampling:reveal': SessionDetail;
  'sampling:recording': { mimeType: string; base64: string } | { missing: string };
  'sampling:export': ExportFile;
  'gates:set-owner': GatesView;
  'gates:tick': GatesView;
  'gates:add-evidence': GatesView;
  'gates:set-result': GatesView;
  'gates:accept-risk': GatesView;
  'gates:set-mode': GatesView;
  'gates:decide': GatesView;
  'gates:export': ExportFile;
  'rollout:promote': { status: 'verified' | 'unverified' | 'failed'; text: string };
  'rollout:check': RolloutView;
  'rollout:return-to': RolloutView;
  'rehearsal:start': RolloutView;
  'rehearsal:trigger': RolloutView;
  'rehearsal:tick': RolloutView;
  'rehearsal:restore': RolloutView;
  'rehearsal:finish': RolloutView;
  'report:build': ExportFile;
  'report:pdf': PdfFile;
  'team:me': Me;
  'team:presence': { ok: true };
  'team:take-shift': ShiftOwner;
  'team:offer-handover': HandoverOffer;
  'team:accept-handover': ShiftOwner;
  'team:cancel-handover': { ok: true };
  'team:merge-offline': OfflineMerge;
}

export type BridgeRequest<C extends BridgeChannel> = z.input<(typeof BRIDGE_REQUESTS)[C]>;
export type BridgeResponse<C extends BridgeChannel> = BridgeResponses[C];

export type ConsolePush =
  | { kind: 'snapshot'; snapshot: ConsoleSnapshot }
  | { kind: 'notification'; id: string; title: string; body: string; severity: 'info' | 'warning' | 'critical' }
  | { kind: 'shortcut'; name: 'emergency-stop' };

export interface ConsoleBridge {
  invoke<C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C>>;
  onPush(listener: (push: ConsolePush) => void): () => void;
}

/** The web host's WebSocket frames. */
export const WsClientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string() }),
  z.object({ type: z.literal('invoke'), id: z.number().int(), channel: z.string(), request: z.unknown() }),
]);
export type WsClientFrame = z.infer<typeof WsClientFrameSchema>;

export type WsServerFrame =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'push'; push: ConsolePush };
