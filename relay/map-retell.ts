import type { CallRecord, ToolCall, Turn } from '../shared/protocol.js';
import {
  agentPii,
  callTimes,
  capTools,
  capTurns,
  cleanText,
  intentAt,
  MalformedError,
  placeLatencies,
  shortId,
  type MapContext,
  type MappedCall,
} from './call-parts.js';

/**
 * Retell webhooks to call records. `call_ended` carries the transcript and the ending;
 * `call_analyzed` carries the same call again with `call_analysis` (task success, the custom
 * data the intent comes from). The body names its event in `event` (or `event_type` in newer
 * deliveries). Other events (call_started, transcript_updated, transfer_*) are acknowledged
 * and left aside: the stream has only ended calls.
 */

export type RetellResult =
  | { kind: 'call'; event: 'call_ended' | 'call_analyzed'; deliveryKey: string; mapped: MappedCall; unknownReason: string | null }
  | { kind: 'ignored'; type: string };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

type ErrorKind = CallRecord['errors'][number]['kind'];

/** Every `disconnection_reason` retell-sdk declares, by what it means for the call. */
const NEVER_CONNECTED = new Set([
  'dial_busy', 'dial_failed', 'dial_no_answer', 'invalid_destination', 'telephony_provider_permission_denied',
  'telephony_provider_unavailable', 'sip_routing_error', 'marked_as_spam', 'user_declined', 'registered_call_timeout',
  'concurrency_limit_reached', 'no_concurrency_fallback', 'no_valid_payment', 'scam_detected', 'error_user_not_joined',
]);
const AGENT_ERRORS: Record<string, ErrorKind> = {
  error_llm_websocket_open: 'model',
  error_llm_websocket_lost_connection: 'model',
  error_llm_websocket_runtime: 'model',
  error_llm_websocket_corrupt_payload: 'model',
  error_no_audio_received: 'stt',
  error_asr: 'stt',
  error_retell: 'model',
  error_unknown: 'model',
  max_duration_reached: 'timeout',
};
const TRANSFERRED = new Set(['call_transfer', 'transfer_bridged', 'call_take_over']);
const ABANDONED = new Set(['inactivity', 'voicemail_reached', 'ivr_reached', 'transfer_cancelled']);
const NORMAL = new Set(['user_hangup', 'agent_hangup', 'manual_stopped']);

export function mapRetell(body: unknown, ctx: MapContext): RetellResult {
  const root = obj(body);
  if (!root) throw new MalformedError('(root): must be a JSON object');
  const event = str(root.event) ?? str(root.event_type);
  if (!event) throw new MalformedError('event: required (or event_type)');
  if (event !== 'call_ended' && event !== 'call_analyzed') return { kind: 'ignored', type: event.slice(0, 60) };
  const c = obj(root.call);
  if (!c) throw new MalformedError('call: required, an object');
  const id = shortId(str(c.call_id) ?? '', 'call.call_id');
  const agentId = str(c.agent_id);
  if (!agentId) throw new MalformedError('call.agent_id: required');

  const reason = str(c.disconnection_reason) ?? '';
  const known = reason === '' || NEVER_CONNECTED.has(reason) || reason in AGENT_ERRORS || TRANSFERRED.has(reason) || ABANDONED.has(reason) || NORMAL.has(reason);
  const connected = !NEVER_CONNECTED.has(reason) && str(c.call_status) !== 'not_connected';
  const errorKind = AGENT_ERRORS[reason] ?? (/^error_/.test(reason) ? 'model' : null);

  const turns: (Turn & { found: number })[] = [];
  for (const raw of Array.isArray(c.transcript_object) ? c.transcript_object : []) {
    const u = obj(raw);
    const role = str(u?.role);
    if (!u || (role !== 'agent' && role !== 'user')) continue;
    const words = (Array.isArray(u.words) ? u.words : []).map(obj).filter((w): w is Obj => w !== undefined);
    const start = num(words[0]?.start) ?? 0;
    const end = num(words.at(-1)?.end) ?? start;
    const { text, found } = cleanText(str(u.content) ?? '');
    const speaker = role === 'user' ? 'caller' : 'agent';
    turns.push({ speaker, text, startMs: Math.round(Math.max(0, start) * 1000), endMs: Math.round(Math.max(0, end, start) * 1000), found, ...(speaker === 'agent' ? { interrupted: false } : {}) });
  }
  turns.sort((a, b) => a.startMs - b.startMs);
  const e2e = obj(obj(c.latency)?.e2e);
  placeLatencies(turns, Array.isArray(e2e?.values) ? e2e.values.filter((v): v is number => typeof v === 'number') : []);

  const toolCalls: ToolCall[] = [];
  const invoked = new Map<string, string>();
  for (const raw of Array.isArray(c.transcript_with_tool_calls) ? c.transcript_with_tool_calls : []) {
    const u = obj(raw);
    if (str(u?.role) === 'tool_call_invocation') invoked.set(str(u?.tool_call_id) ?? '', (str(u?.name) ?? 'tool').slice(0, 100));
    if (str(u?.role) === 'tool_call_result') {
      const ok = u?.successful !== false;
      toolCalls.push({
        name: invoked.get(str(u?.tool_call_id) ?? '') ?? 'tool',
        ok,
        // Retell gives no per-call timing; 0 says "not measured" to no latency figure (none reads it).
        latencyMs: 0,
        ...(ok ? {} : { error: cleanText((str(u?.content) ?? '').slice(0, 300)).text }),
      });
    }
  }

  const analysis = obj(c.call_analysis);
  const transferred = TRANSFERRED.has(reason);
  const requested = transferred || reason === 'transfer_cancelled' || (str(c.transfer_destination) ?? '') !== '';
  const escalation = requested ? { requested, transferred, contextPreserved: transferred } : undefined;
  const errors: CallRecord['errors'] = errorKind ? [{ kind: errorKind, message: reason }] : [];
  const success = typeof analysis?.call_successful === 'boolean' ? analysis.call_successful : null;
  const outcome: CallRecord['outcome'] = !connected
    ? 'abandoned'
    : errors.length > 0
      ? 'failed'
      : transferred
        ? 'escalated'
        : success === false || ABANDONED.has(reason)
          ? 'abandoned'
          : 'completed';

  const recordingUrl = str(c.recording_url);
  const twilioSid = str(obj(c.telephony_identifier)?.twilio_call_sid);
  const call: CallRecord = {
    id: `retell-${id}`,
    ...callTimes(num(c.start_timestamp), num(c.end_timestamp), num(c.duration_ms), ctx.receivedAt),
    intent: intentAt(analysis?.custom_analysis_data, ctx.intentPath) ?? ctx.defaultIntent,
    agentVersion: `${agentId.slice(0, 150)}@${num(c.agent_version) ?? 0}`,
    route: 'agent',
    connected,
    outcome,
    turns: connected ? capTurns(turns.map(({ found: _found, ...t }) => t)) : [],
    toolCalls: capTools(toolCalls),
    ...(escalation ? { escalation } : {}),
    errors,
    safety: { pii: agentPii(turns), policy: 0, injection: 0 },
    ...(recordingUrl && connected ? { recordingUrl } : {}),
    platform: 'retell',
    endedReason: reason.slice(0, 200),
  };
  return {
    kind: 'call',
    event,
    deliveryKey: `retell:${id}:${event}`,
    mapped: { callKey: `retell:${id}`, call, twilioSid: twilioSid ? shortId(twilioSid, 'call.telephony_identifier.twilio_call_sid') : undefined },
    unknownReason: known ? null : reason.slice(0, 200),
  };
}
