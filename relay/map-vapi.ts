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
 * Vapi server messages to call records. Only `end-of-call-report` describes an ended call; the
 * other messages a team may have switched on are acknowledged and left aside.
 *
 * `endedReason` is an open enum of a few hundred values that grows every month, so it is read
 * by family: `pipeline-error-*`, `*-providerfault-*` and `*-vapifault-*` are agent-side errors
 * (the provider in the name says which part failed); the dial and start failures are calls
 * that never connected. A value no family knows is kept raw on the record and counted.
 */

export type VapiResult =
  | { kind: 'call'; deliveryKey: string; mapped: MappedCall; unknownReason: string | null }
  | { kind: 'ignored'; type: string };

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const NEVER_CONNECTED = [
  /^customer-busy$/,
  /^customer-did-not-answer$/,
  /^customer-did-not-give-microphone-permission$/,
  /failed-to-connect/,
  /never-connected/,
  /^call\.start\./,
  /^call-start-error/,
  /^call\.ringing\./,
  /^assistant-request-/,
  /^assistant-not-(valid|found)$/,
  /^assistant-join-timed-out$/,
  /^twilio-reported-customer-misdialed$/,
  /^vonage-rejected$/,
  /^phone-call-provider-bypass-enabled-but-no-call-received$/,
  /^(scheduled-)?call-deleted$/,
  /^voicemail$/,
];
const NORMAL_END = [
  /^customer-ended-call/,
  /^assistant-ended-call/,
  /^assistant-said-end-call-phrase$/,
  /^assistant-forwarded-call$/,
  /^silence-timed-out$/,
  /^manually-canceled$/,
  /^exceeded-max-duration$/,
  /^phone-call-provider-closed-websocket$/,
  /-completed(-call)?$/,
  /^vonage-disconnected$/,
  /^call\.(ringing|ending)\.hook-executed-/,
  /^call\.forwarding\./,
];
const ERROR_FAMILY = /^pipeline-error-|providerfault|vapifault|configfault|^call\.in-progress\.error-|^worker-(shutdown|died)$/;

type ErrorKind = CallRecord['errors'][number]['kind'];

function errorKindOf(reason: string): ErrorKind {
  if (/voice|tts|cartesia|eleven-labs|playht|rime|lmnt|neuphonic|hume|sesame|inworld|wellsaid/.test(reason)) return 'tts';
  if (/transcriber|deepgram|gladia|speechmatics|assembly|talkscriber|soniox|did-not-receive-customer-audio/.test(reason)) return 'stt';
  if (/timed-out|timeout|max-duration/.test(reason)) return 'timeout';
  if (/transfer-failed|tool/.test(reason)) return 'tool';
  return 'model';
}

export interface EndedReasonClass {
  connected: boolean;
  error: ErrorKind | null;
  /** False for a value no family knows: it is passed on raw and counted. */
  known: boolean;
}

export function classifyVapiEndedReason(reason: string): EndedReasonClass {
  if (NEVER_CONNECTED.some((re) => re.test(reason))) {
    return { connected: false, error: ERROR_FAMILY.test(reason) && !/never-connected|failed-to-connect/.test(reason) ? errorKindOf(reason) : null, known: true };
  }
  if (ERROR_FAMILY.test(reason)) return { connected: true, error: errorKindOf(reason), known: true };
  if (NORMAL_END.some((re) => re.test(reason))) return { connected: true, error: null, known: true };
  return { connected: true, error: null, known: false };
}

/** `successEvaluation` is what the team's rubric returns: true/false, pass/fail, or a score. */
function succeeded(evaluation: unknown): boolean | null {
  if (typeof evaluation === 'boolean') return evaluation;
  const s = str(evaluation)?.trim().toLowerCase();
  if (s === undefined || s === '') return null;
  if (['true', 'pass', 'passed', 'yes', 'success', 'successful'].includes(s)) return true;
  if (['false', 'fail', 'failed', 'no', 'failure', 'unsuccessful'].includes(s)) return false;
  const score = Number(s);
  if (Number.isFinite(score)) return score <= 1 ? score >= 0.7 : score <= 10 ? score >= 7 : score >= 70;
  return null;
}

export function mapVapi(body: unknown, ctx: MapContext): VapiResult {
  const message = obj(obj(body)?.message);
  if (!message) throw new MalformedError('message: required, an object');
  const type = str(message.type);
  if (!type) throw new MalformedError('message.type: required');
  if (type !== 'end-of-call-report') return { kind: 'ignored', type: type.slice(0, 60) };

  const vapiCall = obj(message.call);
  const id = shortId(str(vapiCall?.id) ?? '', 'message.call.id');
  const endedReason = str(message.endedReason);
  if (!endedReason) throw new MalformedError('message.endedReason: required');
  const artifact = obj(message.artifact);
  if (!artifact) throw new MalformedError('message.artifact: required, an object');
  const analysis = obj(message.analysis) ?? {};

  const reasonClass = classifyVapiEndedReason(endedReason);
  const turns: (Turn & { found: number })[] = [];
  const toolCalls: ToolCall[] = [];
  const pendingTools = new Map<string, { name: string; time: number | undefined }>();
  let injection = 0;
  const messages = Array.isArray(artifact.messages) ? artifact.messages : [];
  for (const raw of messages) {
    const m = obj(raw);
    if (!m) continue;
    const role = str(m.role);
    if (role === 'bot' || role === 'assistant' || role === 'user') {
      const startMs = Math.max(0, (num(m.secondsFromStart) ?? 0) * 1000);
      const duration = num(m.duration) ?? Math.max(0, (num(m.endTime) ?? 0) - (num(m.time) ?? 0));
      const { text, found } = cleanText(str(m.message) ?? '');
      const speaker = role === 'user' ? 'caller' : 'agent';
      turns.push({ speaker, text, startMs: Math.round(startMs), endMs: Math.round(startMs + Math.max(0, duration)), found, ...(speaker === 'agent' ? { interrupted: false } : {}) });
      if (role === 'user' && Array.isArray(m.detectedThreats) && m.detectedThreats.length > 0) injection += 1;
    } else if (role === 'tool_calls' && Array.isArray(m.toolCalls)) {
      for (const tc of m.toolCalls) {
        const t = obj(tc);
        const callId = str(t?.id);
        const name = str(obj(t?.function)?.name) ?? str(t?.name) ?? 'tool';
        if (callId) pendingTools.set(callId, { name: name.slice(0, 100), time: num(m.time) });
      }
    } else if (role === 'tool_call_result') {
      const callId = str(m.toolCallId) ?? '';
      const started = pendingTools.get(callId);
      pendingTools.delete(callId);
      const result = str(m.result) ?? '';
      const failed = /^\s*(error|failed)\b/i.test(result) || /"error"\s*:/.test(result);
      const end = num(m.time);
      toolCalls.push({
        name: (str(m.name) ?? started?.name ?? 'tool').slice(0, 100),
        ok: !failed,
        latencyMs: end !== undefined && started?.time !== undefined ? Math.max(0, Math.round(end - started.time)) : 0,
        ...(failed ? { error: cleanText(result.slice(0, 300)).text } : {}),
      });
    }
  }
  turns.sort((a, b) => a.startMs - b.startMs);
  const latencies = (Array.isArray(obj(artifact.performanceMetrics)?.turnLatencies) ? (obj(artifact.performanceMetrics)?.turnLatencies as unknown[]) : [])
    .map((t) => num(obj(t)?.turnLatency))
    .filter((n): n is number => n !== undefined);
  placeLatencies(turns, latencies);

  const transfers = Array.isArray(artifact.transfers) ? artifact.transfers.map(obj).filter((t): t is Obj => t !== undefined) : [];
  const transferred =
    endedReason === 'assistant-forwarded-call' || transfers.some((t) => ['connected', 'completed'].includes(str(t.status) ?? ''));
  const requested = transferred || transfers.length > 0 || /transfer/.test(endedReason);
  const modes = transfers.map((t) => str(t.mode) ?? '');
  const escalation = requested
    ? { requested, transferred, contextPreserved: transferred && modes.some((m) => /summary|experimental/.test(m)) }
    : undefined;

  const errors: CallRecord['errors'] = reasonClass.error ? [{ kind: reasonClass.error, message: endedReason.slice(0, 200) }] : [];
  const success = succeeded(analysis.successEvaluation);
  const outcome: CallRecord['outcome'] = !reasonClass.connected
    ? 'abandoned'
    : errors.length > 0
      ? 'failed'
      : escalation?.transferred
        ? 'escalated'
        : success === false || /^silence-timed-out$|^customer-ended-call-(before|after|during)/.test(endedReason)
          ? 'abandoned'
          : 'completed';

  const assistantId = str(vapiCall?.assistantId) ?? str(obj(message.assistant)?.name) ?? 'assistant';
  const version = str(message.assistantVersion);
  const agentVersion = (version ? `${assistantId}@${version}` : assistantId).slice(0, 200);
  const startedAtMs = Date.parse(str(message.startedAt) ?? str(vapiCall?.startedAt) ?? '');
  const endedAtMs = Date.parse(str(message.endedAt) ?? str(vapiCall?.endedAt) ?? '');
  const recordingUrl = str(artifact.recordingUrl) ?? str(obj(obj(artifact.recording)?.mono)?.combinedUrl);
  const twilioSid = str(vapiCall?.phoneCallProvider) === 'twilio' ? str(vapiCall?.phoneCallProviderId) : undefined;

  const call: CallRecord = {
    id: `vapi-${id}`,
    ...callTimes(Number.isNaN(startedAtMs) ? undefined : startedAtMs, Number.isNaN(endedAtMs) ? undefined : endedAtMs, undefined, ctx.receivedAt),
    intent: intentAt(analysis.structuredData, ctx.intentPath) ?? ctx.defaultIntent,
    agentVersion,
    route: 'agent',
    connected: reasonClass.connected,
    outcome,
    turns: reasonClass.connected ? capTurns(turns.map(({ found: _found, ...t }) => t)) : [],
    toolCalls: capTools(toolCalls),
    ...(escalation ? { escalation } : {}),
    errors,
    safety: { pii: agentPii(turns), policy: 0, injection },
    ...(recordingUrl && reasonClass.connected ? { recordingUrl } : {}),
    platform: 'vapi',
    endedReason: endedReason.slice(0, 200),
  };
  return {
    kind: 'call',
    deliveryKey: `vapi:${id}:end-of-call-report`,
    mapped: { callKey: `vapi:${id}`, call, twilioSid: twilioSid ? shortId(twilioSid, 'message.call.phoneCallProviderId') : undefined },
    unknownReason: reasonClass.known ? null : endedReason.slice(0, 200),
  };
}
