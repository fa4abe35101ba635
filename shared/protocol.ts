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

/**
 * Only RFC 3339 timestamps with a four-digit year and a zone: every one of them is a time a Date can
 * hold with room to spare, so no clock or store downstream can be handed an unrepresentable instant
 * (Date.parse alone admits years like +275760, where one added millisecond no longer formats).
 */
const EARLIEST_TIME = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_TIME = Date.parse('9999-12-31T23:59:59.999Z');
const isoTime = z.iso
  .datetime({ offset: true, message: 'must be an ISO timestamp with a four-digit year and a zone, e.g. 2026-04-01T08:00:00Z' })
  .refine((s) => {
    // An offset can carry 9999-12-31T23:59-12:00 into year 10000 in UTC, which stores refuse.
    const t = Date.parse(s);
    return t >= EARLIEST_TIME && t <= LATEST_TIME;
  }, 'must be a real calendar time between the years 0000 and 9999 in UTC');

/**
 * Size limits on what a platform may send. Texts are cut, never refused, so a call with one
 * runaway transcript still counts; names and ids are refused past their limit, since a cut one
 * could merge two different things.
 */
export const STREAM_LIMITS = {
  /** Characters kept of one turn's transcript text. */
  turnTextChars: 4000,
  /** Characters kept of an error or tool error message. */
  messageChars: 1000,
  idChars: 200,
  intentChars: 100,
  urlChars: 2048,
  turns: 1000,
  toolCalls: 200,
  errors: 100,
  routingIntents: 200,
  /** Fields a platform adds to a call beyond the protocol's: kept, within these bounds. */
  extraDepth: 4,
  extraNodes: 64,
  extraChars: 256,
} as const;

/** Shows where a text was cut and how much was left out, so a cut transcript never reads as whole. */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[cut: ${text.length - max} more characters not kept]`;
}

const name = (max: number) => z.string().max(max);

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

/**
 * A platform that has them sends the tool's `arguments` and `result` too (any JSON, kept within
 * the extras budget like any field beyond the protocol's).
 */
export const ToolCallSchema = z.looseObject({
  name: name(STREAM_LIMITS.idChars),
  ok: z.boolean(),
  latencyMs: z.number().nonnegative(),
  /** When the agent called the tool, from the call's start (as turns have it). */
  startMs: z.number().nonnegative().optional(),
  error: z.string().optional(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

export const RouteSchema = z.enum(['agent', 'fallback', 'human']);
export type Route = z.infer<typeof RouteSchema>;

export const ErrorKindSchema = z.enum(['model', 'tts', 'stt', 'tool', 'timeout']);

const CallErrorSchema = z.looseObject({ kind: ErrorKindSchema, message: z.string() });

const CALL_LISTS = ['turns', 'toolCalls', 'errors'] as const;

const CallRecordShape = z.looseObject({
  id: z.string().min(1).max(STREAM_LIMITS.idChars),
  startedAt: isoTime,
  endedAt: isoTime,
  intent: z.string().min(1).max(STREAM_LIMITS.intentChars),
  agentVersion: name(STREAM_LIMITS.idChars),
  route: RouteSchema,
  connected: z.boolean(),
  outcome: z.enum(['completed', 'escalated', 'abandoned', 'failed']),
  turns: z.array(TurnSchema),
  toolCalls: z.array(ToolCallSchema),
  escalation: z.looseObject({ requested: z.boolean(), transferred: z.boolean(), contextPreserved: z.boolean() }).optional(),
  errors: z.array(CallErrorSchema),
  safety: z.looseObject({
    pii: z.number().int().nonnegative(),
    policy: z.number().int().nonnegative(),
    injection: z.number().int().nonnegative(),
  }),
  recordingUrl: z.string().max(STREAM_LIMITS.urlChars).optional(),
  /** How many items the platform sent in each list that was cut at its limit. */
  truncated: z.partialRecord(z.enum(CALL_LISTS), z.number().int().nonnegative()).optional(),
});

const keysOf = (schema: { shape: object }): ReadonlySet<string> => new Set(Object.keys(schema.shape));
const CALL_KEYS = keysOf(CallRecordShape);
const LIST_ITEM_KEYS = { turns: keysOf(TurnSchema), toolCalls: keysOf(ToolCallSchema), errors: keysOf(CallErrorSchema) };
/** The free text of each list's items, cut rather than refused. */
const LIST_TEXTS = {
  turns: ['text', STREAM_LIMITS.turnTextChars],
  toolCalls: ['error', STREAM_LIMITS.messageChars],
  errors: ['message', STREAM_LIMITS.messageChars],
} as const;
const ESCALATION_KEYS = new Set(['requested', 'transferred', 'contextPreserved']);
const SAFETY_KEYS = new Set(['pii', 'policy', 'injection']);

/**
 * A call cut down to the limits before it is validated: long lists keep their first items and say
 * how many there were; fields a platform adds beyond the protocol's (tool arguments, its own ids)
 * are kept within one budget per call, each cut marked. Done on the raw value, so a hostile list
 * of a million turns is never validated item by item and no store ever holds more than the budget.
 */
function boundCall(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const budget = { nodes: STREAM_LIMITS.extraNodes };
  const withExtras = boundExtras(raw, CALL_KEYS, budget);
  // Lists are replaced below, so the caller's object is never written to.
  const call = withExtras === raw ? { ...raw } : withExtras;
  const truncated: Partial<Record<(typeof CALL_LISTS)[number], number>> = {};
  for (const list of CALL_LISTS) {
    const items = call[list];
    if (!Array.isArray(items)) continue;
    const max = STREAM_LIMITS[list];
    if (items.length > max) truncated[list] = items.length;
    let copy: unknown[] | null = items.length > max ? items.slice(0, max) : null;
    const kept = copy ?? items;
    const [textKey, textMax] = LIST_TEXTS[list];
    for (let i = 0; i < kept.length; i++) {
      const item: unknown = kept[i];
      if (!isRecord(item)) continue;
      let bounded = boundExtras(item, LIST_ITEM_KEYS[list], budget);
      const text = bounded[textKey];
      if (typeof text === 'string' && text.length > textMax) bounded = { ...bounded, [textKey]: cutText(text, textMax) };
      if (bounded === item) continue;
      copy ??= [...items];
      copy[i] = bounded;
    }
    if (copy) call[list] = copy;
  }
  if (isRecord(call.escalation)) call.escalation = boundExtras(call.escalation, ESCALATION_KEYS, budget);
  if (isRecord(call.safety)) call.safety = boundExtras(call.safety, SAFETY_KEYS, budget);
  if (Object.keys(truncated).length > 0) call.truncated = truncated;
  return call;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object` itself when it has only known keys, else a copy with its other keys bounded. */
function boundExtras(object: Record<string, unknown>, known: ReadonlySet<string>, budget: { nodes: number }): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const key in object) {
    if (known.has(key)) continue;
    copy ??= { ...object };
    delete copy[key];
    if (budget.nodes <= 0) continue;
    budget.nodes -= 1;
    copy[cutText(key, STREAM_LIMITS.extraChars)] = boundExtra(object[key], 1, budget);
  }
  return copy ?? object;
}

const CUT_DEEPER = `[cut: nested deeper than ${STREAM_LIMITS.extraDepth} levels]`;
const CUT_MORE = '[cut: more than the call may carry]';

/** A copy of a free-form value within the depth, size and text limits, each cut marked where it fell. */
function boundExtra(value: unknown, depth: number, budget: { nodes: number }): unknown {
  if (typeof value === 'string') return cutText(value, STREAM_LIMITS.extraChars);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= STREAM_LIMITS.extraDepth) return CUT_DEEPER;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (budget.nodes <= 0) {
        out.push(CUT_MORE);
        break;
      }
      budget.nodes -= 1;
      out.push(boundExtra(item, depth + 1, budget));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (budget.nodes <= 0) {
      out['…'] = CUT_MORE;
      break;
    }
    budget.nodes -= 1;
    out[cutText(key, STREAM_LIMITS.extraChars)] = boundExtra((value as Record<string, unknown>)[key], depth + 1, budget);
  }
  return out;
}

export const CallRecordSchema = z.preprocess(boundCall, CallRecordShape).refine(
  (call) => Date.parse(call.startedAt) <= Date.parse(call.endedAt),
  { message: 'startedAt must not be after endedAt', path: ['startedAt'] },
);
export type CallRecord = z.infer<typeof CallRecordSchema>;

export const RoutingModeSchema = z.enum(['live', 'paused', 'fallback', 'stopped']);
export type RoutingMode = z.infer<typeof RoutingModeSchema>;

export const RoutingStateSchema = z.object({
  version: z.number().int().nonnegative(),
  mode: RoutingModeSchema,
  agentShare: z.number().min(0).max(100),
  agentVersion: name(STREAM_LIMITS.idChars),
  previousVersion: name(STREAM_LIMITS.idChars).nullable(),
  intents: z
    .record(z.string().max(STREAM_LIMITS.intentChars), RouteSchema)
    .refine((intents) => Object.keys(intents).length <= STREAM_LIMITS.routingIntents, {
      message: `must name at most ${STREAM_LIMITS.routingIntents} intents`,
    }),
  updatedAt: isoTime,
  updatedBy: name(STREAM_LIMITS.idChars),
});
export type RoutingState = z.infer<typeof RoutingStateSchema>;

export const RoutingActionNameSchema = z.enum([
  'pause_ramp',
  'route_fallback',
  'route_human',
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

export const HelloEventSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  launchId: name(STREAM_LIMITS.idChars),
  agentVersion: name(STREAM_LIMITS.idChars),
  serverTime: isoTime,
  seq: z.number().int().nonnegative(),
});
export type HelloEvent = z.infer<typeof HelloEventSchema>;

export const CallEventSchema = z.object({ seq: z.number().int().positive(), call: CallRecordSchema });
export type CallEvent = z.infer<typeof CallEventSchema>;

export const MetricEventSchema = z.object({
  seq: z.number().int().positive(),
  ts: isoTime,
  name: z.string().min(1).max(STREAM_LIMITS.idChars),
  value: z.number(),
  intent: z.string().max(STREAM_LIMITS.intentChars).optional(),
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

export const HeartbeatEventSchema = z.object({
  ts: isoTime,
  seq: z.number().int().nonnegative(),
  /** Sent by a relay, keyed by platform (vapi, retell, twilio); servers without webhooks leave it out. */
  platforms: z
    .record(z.string().max(40), PlatformDeliverySchema)
    .refine((p) => Object.keys(p).length <= 10, 'at most 10 platforms')
    .optional(),
});
export type HeartbeatEvent = z.infer<typeof HeartbeatEventSchema>;

export const GapEventSchema = z.object({ from: z.number().int().positive(), to: z.number().int().positive() }).refine((g) => g.from <= g.to, {
  message: 'from must not be after to',
  path: ['to'],
});
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

const ROUTES: ReadonlySet<unknown> = new Set(RouteSchema.options);
const OUTCOMES: ReadonlySet<unknown> = new Set(CallRecordShape.shape.outcome.options);
const SPEAKERS: ReadonlySet<unknown> = new Set(TurnSchema.shape.speaker.options);
const ERROR_KINDS: ReadonlySet<unknown> = new Set(ErrorKindSchema.options);

const isString = (v: unknown, min: number, max: number): boolean => typeof v === 'string' && v.length >= min && v.length <= max;
const isMs = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
/** Only the form toISOString writes (four-digit year, UTC), and only a time that writes back the same. */
const isCanonicalTime = (v: unknown): boolean =>
  typeof v === 'string' && v.length === 24 && v.charCodeAt(23) === 90 && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v;

/** Only known keys, each holding a value (JSON has no undefined, a hand-built object may). */
function onlyKeys(o: Record<string, unknown>, known: ReadonlySet<string>): boolean {
  for (const key in o) if (!known.has(key) || o[key] === undefined) return false;
  return true;
}

/** Known keys, and fields a platform added (its call id, ended reason) that are short plain values boundExtras keeps as they are. */
function plainExtras(call: Record<string, unknown>): boolean {
  let extras = 0;
  for (const key in call) {
    const v = call[key];
    if (v === undefined) return false;
    if (CALL_KEYS.has(key)) continue;
    extras += 1;
    if (extras > STREAM_LIMITS.extraNodes || key.length > STREAM_LIMITS.extraChars) return false;
    if (typeof v === 'string' ? v.length > STREAM_LIMITS.extraChars : !(typeof v === 'number' || typeof v === 'boolean' || v === null)) return false;
  }
  return true;
}

function listOf(v: unknown, max: number, item: (o: Record<string, unknown>) => boolean): boolean {
  if (!Array.isArray(v) || v.length > max) return false;
  for (const o of v) if (!isRecord(o) || !item(o)) return false;
  return true;
}

const plainTurn = (t: Record<string, unknown>): boolean =>
  onlyKeys(t, LIST_ITEM_KEYS.turns) &&
  SPEAKERS.has(t.speaker) &&
  isString(t.text, 0, STREAM_LIMITS.turnTextChars) &&
  isMs(t.startMs) &&
  isMs(t.endMs) &&
  (t.latencyMs === undefined || isMs(t.latencyMs)) &&
  (t.sttConfidence === undefined || (isMs(t.sttConfidence) && (t.sttConfidence as number) <= 1)) &&
  (t.interrupted === undefined || typeof t.interrupted === 'boolean');

const plainToolCall = (t: Record<string, unknown>): boolean =>
  onlyKeys(t, LIST_ITEM_KEYS.toolCalls) &&
  isString(t.name, 0, STREAM_LIMITS.idChars) &&
  typeof t.ok === 'boolean' &&
  isMs(t.latencyMs) &&
  (t.error === undefined || isString(t.error, 0, STREAM_LIMITS.messageChars));

const plainError = (e: Record<string, unknown>): boolean =>
  onlyKeys(e, LIST_ITEM_KEYS.errors) && ERROR_KINDS.has(e.kind) && isString(e.message, 0, STREAM_LIMITS.messageChars);

/**
 * A call event that CallEventSchema would return unchanged: every field of its type, within
 * every limit, no text or list to cut, canonical UTC times, added fields only on the call and
 * short. Checked by hand in
 * one pass, since a console catching up reads 100,000 of them; anything else is left to the
 * schema, which alone says what is wrong.
 */
function isPlainCallEvent(raw: unknown): raw is CallEvent {
  if (!isRecord(raw) || !Number.isSafeInteger(raw.seq) || (raw.seq as number) < 1 || !onlyKeys(raw, PLAIN_EVENT_KEYS)) return false;
  const c = raw.call;
  if (!isRecord(c) || !plainExtras(c) || c.truncated !== undefined) return false;
  const { escalation, safety } = c;
  return (
    isString(c.id, 1, STREAM_LIMITS.idChars) &&
    isString(c.intent, 1, STREAM_LIMITS.intentChars) &&
    isString(c.agentVersion, 0, STREAM_LIMITS.idChars) &&
    isCanonicalTime(c.startedAt) &&
    isCanonicalTime(c.endedAt) &&
    (c.startedAt as string) <= (c.endedAt as string) &&
    ROUTES.has(c.route) &&
    typeof c.connected === 'boolean' &&
    OUTCOMES.has(c.outcome) &&
    listOf(c.turns, STREAM_LIMITS.turns, plainTurn) &&
    listOf(c.toolCalls, STREAM_LIMITS.toolCalls, plainToolCall) &&
    listOf(c.errors, STREAM_LIMITS.errors, plainError) &&
    (escalation === undefined ||
      (isRecord(escalation) &&
        onlyKeys(escalation, ESCALATION_KEYS) &&
        typeof escalation.requested === 'boolean' &&
        typeof escalation.transferred === 'boolean' &&
        typeof escalation.contextPreserved === 'boolean')) &&
    isRecord(safety) &&
    onlyKeys(safety, SAFETY_KEYS) &&
    isCount(safety.pii) &&
    isCount(safety.policy) &&
    isCount(safety.injection) &&
    (c.recordingUrl === undefined || isString(c.recordingUrl, 0, STREAM_LIMITS.urlChars))
  );
}
const PLAIN_EVENT_KEYS: ReadonlySet<string> = new Set(['seq', 'call']);

/** CallEventSchema.safeParse, with the common well-formed event taken without the schema's cost. */
export function parseCallEvent(raw: unknown): ReturnType<typeof CallEventSchema.safeParse> {
  return isPlainCallEvent(raw) ? { success: true, data: raw } : CallEventSchema.safeParse(raw);
}
