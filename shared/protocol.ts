import { z } from 'zod';

/** Stream protocol v1 (socket.io namespace `/launch`) and Routing provider API v1. */

export const STREAM_NAMESPACE = '/launch';
export const PROTOCOL_VERSION = 1;

export const DEFAULT_INTENTS = [
  'book_appointment',
  'order_status',
  'billing_question',
  'cancel_service',
  'talk_to_human',
] as const;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO timestamp');

export const TurnSchema = z.looseObject({
  speaker: z.enum(['caller', 'agent']),
  text: z.string(),
  startMs: z.number().nonnegative(),
  endMs: z.number().nonnegative(),
  latencyMs: z.number().nonnegative().optional(),
  sttConfidence: z.number().min(0).max(1).optional(),
  interrupted: z.boolean().optional(),
});
export type Turn = z.infer<typeof TurnSchema>;

export const ToolCallSchema = z.looseObject({
  name: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const RouteSchema = z.enum(['agent', 'fallback', 'human']);
export type Route = z.infer<typeof RouteSchema>;

export const ErrorKindSchema = z.enum(['model', 'tts', 'stt', 'tool', 'timeout']);

export const CallRecordSchema = z.looseObject({
  id: z.string().min(1),
  startedAt: isoTime,
  endedAt: isoTime,
  intent: z.string().min(1),
  agentVersion: z.string(),
  route: RouteSchema,
  connected: z.boolean(),
  outcome: z.enum(['completed', 'escalated', 'abandoned', 'failed']),
  turns: z.array(TurnSchema),
  toolCalls: z.array(ToolCallSchema),
  escalation: z
    .looseObject({ requested: z.boolean(), transferred: z.boolean(), contextPreserved: z.boolean() })
    .optional(),
  errors: z.array(z.looseObject({ kind: ErrorKindSchema, message: z.string() })),
  safety: z.looseObject({
    pii: z.number().int().nonnegative(),
    policy: z.number().int().nonnegative(),
    injection: z.number().int().nonnegative(),
  }),
  recordingUrl: z.string().optional(),
});
export type CallRecord = z.infer<typeof CallRecordSchema>;

export const RoutingModeSchema = z.enum(['live', 'paused', 'fallback', 'stopped']);
export type RoutingMode = z.infer<typeof RoutingModeSchema>;

export const RoutingStateSchema = z.looseObject({
  version: z.number().int().nonnegative(),
  mode: RoutingModeSchema,
  agentShare: z.number().min(0).max(100),
  agentVersion: z.string(),
  previousVersion: z.string().nullable(),
  intents: z.record(z.string(), RouteSchema),
  updatedAt: isoTime,
  updatedBy: z.string(),
});
export type RoutingState = z.infer<typeof RoutingStateSchema>;

export const RoutingActionNameSchema = z.enum([
  'pause_ramp',
  'route_fallback',
  'stop_all',
  'rollback',
  'resume',
  'set_share',
]);
export type RoutingActionName = z.infer<typeof RoutingActionNameSchema>;

export const RoutingActionRequestSchema = z.object({
  action: RoutingActionNameSchema,
  intents: z.array(z.string().min(1)).optional(),
  share: z.number().min(0).max(100).optional(),
  reason: z.string().max(2000).optional(),
  operator: z.string().min(1),
});
export type RoutingActionRequest = z.infer<typeof RoutingActionRequestSchema>;

export const HelloEventSchema = z.looseObject({
  protocol: z.literal(PROTOCOL_VERSION),
  launchId: z.string(),
  agentVersion: z.string(),
  serverTime: isoTime,
  seq: z.number().int().nonnegative(),
});
export type HelloEvent = z.infer<typeof HelloEventSchema>;

export const CallEventSchema = z.object({ seq: z.number().int().positive(), call: CallRecordSchema });
export type CallEvent = z.infer<typeof CallEventSchema>;

export const MetricEventSchema = z.looseObject({
  seq: z.number().int().positive(),
  ts: isoTime,
  name: z.string().min(1),
  value: z.number(),
  intent: z.string().optional(),
});
export type MetricEvent = z.infer<typeof MetricEventSchema>;

export const RoutingEventSchema = z.object({
  seq: z.number().int().positive(),
  ts: isoTime,
  state: RoutingStateSchema,
});
export type RoutingEvent = z.infer<typeof RoutingEventSchema>;

/** When a relay last heard from one voice platform: "no calls" and "no webhooks" look alike otherwise. */
export const PlatformDeliverySchema = z.object({ lastWebhookAt: isoTime.nullable(), quietAfterSec: z.number().positive() });
export type PlatformDelivery = z.infer<typeof PlatformDeliverySchema>;

export const HeartbeatEventSchema = z.looseObject({
  ts: isoTime,
  seq: z.number().int().nonnegative(),
  /** Sent by a relay, keyed by platform (vapi, retell, twilio); servers without webhooks leave it out. */
  platforms: z
    .record(z.string().max(40), PlatformDeliverySchema)
    .refine((p) => Object.keys(p).length <= 10, 'at most 10 platforms')
    .optional(),
});
export type HeartbeatEvent = z.infer<typeof HeartbeatEventSchema>;

export const GapEventSchema = z.looseObject({ from: z.number().int(), to: z.number().int() });
export type GapEvent = z.infer<typeof GapEventSchema>;

export const StreamAuthSchema = z.object({
  token: z.string().optional(),
  since: z.number().int().nonnegative().optional(),
});
export type StreamAuth = z.infer<typeof StreamAuthSchema>;

/** Every server->client event name with its schema; the one table both sides use. */
export const STREAM_EVENTS = {
  hello: HelloEventSchema,
  call: CallEventSchema,
  metric: MetricEventSchema,
  routing: RoutingEventSchema,
  heartbeat: HeartbeatEventSchema,
  gap: GapEventSchema,
} as const;
export type StreamEventName = keyof typeof STREAM_EVENTS;
export type StreamEventPayload<N extends StreamEventName> = z.infer<(typeof STREAM_EVENTS)[N]>;

/** Formats a zod error as "field.path: message; ..." so an operator sees what was wrong. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
