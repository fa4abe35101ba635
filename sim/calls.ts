import type { CallRecord, Route, ToolCall, Turn } from '../shared/protocol.js';
import type { CallProfile } from './faults.js';
import { createRng, deriveSeed, type Rng } from './random.js';
import {
  ASK_FOR_HUMAN,
  CLARIFY,
  ERROR_GIVE_UP,
  FALLBACK_ANSWER,
  FALLBACK_MENU,
  GIVE_UP_STT,
  GOODBYES,
  GREETINGS,
  HUMAN_OPENING,
  TOOL_GIVE_UP,
  TOOL_TRANSFER,
  TRANSFER,
  drawPersona,
  fillLine,
  scriptFor,
  type Persona,
} from './scripts.js';

/**
 * Pure call generation. A call is a function of (seed, index, route, profile): its intent and
 * share draw come first from the call's own PRNG, then the conversation. So the stream and a
 * recording regenerated later from the call id agree to the millisecond.
 */

export interface CallPlan {
  intent: string;
  /** Uniform draw the route decision compares with the agent share. */
  shareRoll: number;
  /** The call's PRNG, positioned after the plan's draws; composeCall continues from here. */
  rng: Rng;
  /** The intent's place in the run's intent list (generic scripts are weighted by it). */
  position: number;
}

export function planCall(seed: number, index: number, intents: readonly string[]): CallPlan {
  const rng = createRng(deriveSeed(seed, index));
  const position = rng.weightedIndex(intents.map((i, n) => scriptFor(i, n).weight));
  const intent = intents[position] ?? intents[0] ?? 'unknown';
  return { intent, shareRoll: rng.next(), rng, position };
}

type Escalation = NonNullable<CallRecord['escalation']>;
type CallError = CallRecord['errors'][number];

export interface CallBody {
  connected: boolean;
  outcome: CallRecord['outcome'];
  turns: Turn[];
  toolCalls: ToolCall[];
  escalation?: Escalation;
  errors: CallError[];
  safety: CallRecord['safety'];
  /** From the call's start to hang-up. */
  durationMs: number;
}

interface Line {
  speaker: Turn['speaker'];
  template: string;
}

const agentSays = (template: string): Line => ({ speaker: 'agent', template });
const callerSays = (template: string): Line => ({ speaker: 'caller', template });

const ERROR_MESSAGES = {
  model: 'model returned no usable response',
  tts: 'speech synthesis failed: voice backend unavailable',
  timeout: 'no agent response within 8000 ms',
} as const;

function speechMs(rng: Rng, text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.round(250 + words * (330 + rng.next() * 90));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

interface Timeline {
  turns: Turn[];
  endMs: number;
  /** Personal data items the agent spoke aloud. */
  agentPii: number;
}

/**
 * Lays lines out in time. `profile` null means a call the agent does not handle (a human or the
 * fallback line): no latency, no speech-recognition figures, no faults.
 */
function timeline(rng: Rng, lines: readonly Line[], persona: Persona, topic: string, profile: CallProfile | null): Timeline {
  const turns: Turn[] = [];
  let t = 0;
  let agentPii = 0;
  let bargeIn = false;
  lines.forEach((line, i) => {
    const { text, pii } = fillLine(line.template, persona, topic);
    const speech = speechMs(rng, text);
    if (line.speaker === 'agent') {
      const latencyMs = profile ? Math.round(rng.lognormal(profile.latencyMedianMs, profile.latencySigma)) : rng.int(300, 900);
      const startMs = t + latencyMs;
      const interrupted = profile !== null && lines[i + 1]?.speaker === 'caller' && rng.chance(profile.interruptP);
      const endMs = startMs + (interrupted ? Math.round(speech * (0.3 + 0.4 * rng.next())) : speech);
      turns.push(profile ? { speaker: 'agent', text, startMs, endMs, latencyMs, interrupted } : { speaker: 'agent', text, startMs, endMs });
      agentPii += pii;
      bargeIn = interrupted;
      t = endMs;
    } else {
      const startMs = bargeIn ? t : t + rng.int(200, 900);
      const endMs = startMs + speech;
      const turn: Turn = { speaker: 'caller', text, startMs, endMs };
      if (profile) turn.sttConfidence = Math.round(clamp(profile.sttMean + profile.sttSd * rng.normal(), 0.05, 0.99) * 100) / 100;
      turns.push(turn);
      bargeIn = false;
      t = endMs;
    }
  });
  return { turns, endMs: t, agentPii };
}

const NO_SAFETY_EVENTS = { pii: 0, policy: 0, injection: 0 };

function notAgentCall(plan: CallPlan, route: Exclude<Route, 'agent'>): CallBody {
  const { rng } = plan;
  const persona = drawPersona(rng);
  const script = scriptFor(plan.intent, plan.position);
  const request = callerSays(rng.pick(script.request));
  if (route === 'human') {
    const { turns, endMs } = timeline(rng, [agentSays(rng.pick(HUMAN_OPENING)), request], persona, plan.intent, null);
    return { connected: true, outcome: 'completed', turns, toolCalls: [], errors: [], safety: { ...NO_SAFETY_EVENTS }, durationMs: endMs + rng.int(300, 1200) };
  }
  const answer = rng.pick(FALLBACK_ANSWER);
  const lines = [agentSays(rng.pick(FALLBACK_MENU)), request, agentSays(answer)];
  const { turns, endMs } = timeline(rng, lines, persona, plan.intent, null);
  const handedOver = answer === FALLBACK_ANSWER[0];
  return {
    connected: true,
    outcome: handedOver ? 'escalated' : 'completed',
    turns,
    toolCalls: [],
    ...(handedOver ? { escalation: { requested: true, transferred: true, contextPreserved: true } } : {}),
    errors: [],
    safety: { ...NO_SAFETY_EVENTS },
    durationMs: endMs + rng.int(300, 1200),
  };
}

function agentCall(plan: CallPlan, profile: CallProfile): CallBody {
  const { rng, intent } = plan;
  if (rng.chance(profile.connectFailureP)) {
    return {
      connected: false, outcome: 'failed', turns: [], toolCalls: [], errors: [],
      safety: { ...NO_SAFETY_EVENTS }, durationMs: rng.int(2000, 15000),
    };
  }
  const persona = drawPersona(rng);
  const script = scriptFor(intent, plan.position);
  // The path's draws come first, as many whatever the profile, so a fault changes what it
  // touches and not which caller, request or path a call has.
  const withVerify = rng.chance(0.6);
  const withGoodbye = rng.chance(0.7);
  const sttFails = rng.chance(profile.sttFailureP);
  const agentError = rng.chance(profile.agentErrorP) ? rng.pick(['model', 'tts', 'timeout'] as const) : null;
  const abandons = rng.chance(0.015);
  const wantsHuman = intent === 'talk_to_human' || rng.chance(0.02);
  const leaks = rng.chance(profile.piiLeakP);
  const transferOnToolFailure = rng.chance(0.5);

  const request = rng.pick(script.request);
  const lines: Line[] = [agentSays(rng.pick(GREETINGS)), callerSays(request)];
  const verification = (): void => {
    if (withVerify) lines.push(agentSays(rng.pick(script.verifyAsk)), callerSays(rng.pick(script.verifyAnswer)));
  };
  const toolCalls: ToolCall[] = [];
  /** For each tool call, how many lines were said before it: it runs while the agent prepares the next one. */
  const toolAfterLine: number[] = [];
  const errors: CallError[] = [];
  const runTool = (name: string): boolean => {
    const args = toolArguments(name, persona, intent);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      toolAfterLine.push(lines.length);
      if (!rng.chance(profile.toolFailureP)) {
        toolCalls.push({ name, ok: true, latencyMs: Math.round(rng.lognormal(180, 0.5)), arguments: args, result: toolResult(name, persona) });
        return true;
      }
      const timedOut = rng.chance(0.3);
      toolCalls.push({
        name, ok: false,
        latencyMs: timedOut ? 3000 : Math.round(rng.lognormal(60, 0.4)),
        error: timedOut ? 'timeout after 3000 ms' : '503 Service Unavailable',
        arguments: args,
      });
    }
    errors.push({ kind: 'tool', message: `${name} failed twice` });
    return false;
  };
  const handOff = (): Escalation => {
    const handoffOk = runTool('crm.create_handoff');
    const transferred = rng.chance(0.99);
    return { requested: true, transferred, contextPreserved: transferred && handoffOk && rng.chance(profile.contextPreservedP) };
  };

  let outcome: CallRecord['outcome'] = 'completed';
  let escalation: Escalation | undefined;
  let deadAirMs = 0;
  if (sttFails) {
    lines.push(agentSays(rng.pick(CLARIFY)), callerSays(request), agentSays(rng.pick(GIVE_UP_STT)));
    errors.push({ kind: 'stt', message: 'caller speech not understood after 2 attempts' });
    outcome = 'failed';
  } else if (agentError) {
    verification();
    // A failed voice or a timeout leaves the caller in silence until they hang up.
    if (agentError === 'model') lines.push(agentSays(rng.pick(ERROR_GIVE_UP)));
    else deadAirMs = rng.int(4000, 9000);
    errors.push({ kind: agentError, message: ERROR_MESSAGES[agentError] });
    outcome = 'failed';
  } else if (abandons && intent !== 'talk_to_human') {
    if (rng.chance(0.5)) lines.push(agentSays(rng.pick(script.verifyAsk)));
    outcome = 'abandoned';
  } else if (wantsHuman) {
    if (intent === 'talk_to_human') {
      verification();
      escalation = handOff();
      lines.push(agentSays(rng.pick(leaks ? script.leakyAnswer : script.answer)));
    } else {
      // Asked to verify, the caller asks for a person instead.
      lines.push(agentSays(rng.pick(script.verifyAsk)), callerSays(rng.pick(ASK_FOR_HUMAN)));
      escalation = handOff();
      lines.push(agentSays(rng.pick(TRANSFER)));
    }
    outcome = escalation.transferred ? 'escalated' : 'abandoned';
  } else {
    verification();
    const toolsOk = script.tools.every((name) => runTool(name));
    if (!toolsOk && transferOnToolFailure) {
      escalation = handOff();
      lines.push(agentSays(rng.pick(TOOL_TRANSFER)));
      outcome = escalation.transferred ? 'escalated' : 'failed';
    } else if (!toolsOk) {
      lines.push(agentSays(rng.pick(TOOL_GIVE_UP)));
      outcome = 'failed';
    } else {
      lines.push(
        agentSays(rng.pick(leaks ? script.leakyAnswer : script.answer)),
        callerSays(rng.pick(script.confirm)),
        agentSays(rng.pick(script.wrapUp)),
      );
      if (withGoodbye) lines.push(callerSays(rng.pick(GOODBYES)));
    }
  }

  const { turns, endMs, agentPii } = timeline(rng, lines, persona, plan.intent, profile);
  placeTools(toolCalls, toolAfterLine, turns);
  return {
    connected: true,
    outcome,
    turns,
    toolCalls,
    ...(escalation ? { escalation } : {}),
    errors,
    safety: { pii: agentPii, policy: 0, injection: 0 },
    durationMs: endMs + deadAirMs + rng.int(300, 1200),
  };
}

/**
 * Tool calls run between the turn before them and the agent's next turn, one after another; when
 * they take longer than that gap (an outage), their starts are squeezed into it in proportion.
 */
function placeTools(toolCalls: ToolCall[], afterLine: readonly number[], turns: readonly Turn[]): void {
  const groups = new Map<number, ToolCall[]>();
  toolCalls.forEach((tool, i) => {
    const after = afterLine[i] ?? 0;
    groups.set(after, [...(groups.get(after) ?? []), tool]);
  });
  for (const [after, tools] of groups) {
    const from = (turns[after - 1]?.endMs ?? 0) + 120;
    const gap = Math.max(0, (turns[after]?.startMs ?? from + tools.reduce((s, t) => s + t.latencyMs, 0)) - from);
    const total = tools.reduce((s, t) => s + t.latencyMs, 0);
    const scale = total > gap && total > 0 ? gap / total : 1;
    let offset = 0;
    for (const tool of tools) {
      tool.startMs = Math.round(from + offset * scale);
      offset += tool.latencyMs;
    }
  }
}

/** What the agent passes a tool: what the caller said, personal data included, as a real agent would. */
function toolArguments(name: string, persona: Persona, intent: string): Record<string, string> {
  switch (name) {
    case 'calendar.find_slots':
      return { day: persona.day };
    case 'calendar.book':
      return { day: persona.day, time: persona.time, phone: persona.phone };
    case 'orders.lookup':
      return { email: persona.email };
    case 'billing.get_invoice':
      return { card: persona.card };
    case 'account.lookup':
      return { phone: persona.phone, email: persona.email };
    case 'account.cancel':
      return { effective: persona.day };
    case 'crm.create_handoff':
      return { reason: intent.replace(/_/g, ' '), phone: persona.phone };
    default:
      return { phone: persona.phone };
  }
}

function toolResult(name: string, persona: Persona): Record<string, unknown> {
  switch (name) {
    case 'calendar.find_slots':
      return { slots: [persona.time, '11:15'] };
    case 'calendar.book':
      return { booked: true, day: persona.day, time: persona.time };
    case 'orders.lookup':
      return { order: persona.order, status: 'out_for_delivery', eta: persona.time };
    case 'billing.get_invoice':
      return { amount: persona.amount, charges: 1 };
    case 'account.cancel':
      return { endsOn: persona.day };
    case 'crm.create_handoff':
      return { handoff: `HO-${persona.order.slice(3)}` };
    default:
      return { found: true };
  }
}

/** The conversation of a planned call; `profile` matters only on route 'agent'. */
export function composeCall(plan: CallPlan, route: Route, profile: CallProfile): CallBody {
  return route === 'agent' ? agentCall(plan, profile) : notAgentCall(plan, route);
}

export interface CallMeta {
  id: string;
  startedAt: number;
  intent: string;
  agentVersion: string;
  route: Route;
  /** Base URL recordings are served from, e.g. http://127.0.0.1:4100. */
  baseUrl: string;
}

export function toCallRecord(meta: CallMeta, body: CallBody): CallRecord {
  return {
    id: meta.id,
    startedAt: new Date(meta.startedAt).toISOString(),
    endedAt: new Date(meta.startedAt + body.durationMs).toISOString(),
    intent: meta.intent,
    agentVersion: meta.agentVersion,
    route: meta.route,
    connected: body.connected,
    outcome: body.outcome,
    turns: body.turns,
    toolCalls: body.toolCalls,
    ...(body.escalation ? { escalation: body.escalation } : {}),
    errors: body.errors,
    safety: body.safety,
    ...(body.connected ? { recordingUrl: `${meta.baseUrl}/recordings/${meta.id}.wav` } : {}),
  };
}
