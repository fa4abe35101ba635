import type { CallRecord } from '../../../shared/protocol.js';

/**
 * The counters one call contributes to a time bucket. Every counter after `fallbackCalls`
 * counts only calls the agent handled (route 'agent'): a fallback or human call says nothing
 * about the agent's quality.
 */
export const COUNTER_NAMES = [
  'allCalls',
  'fallbackCalls',
  'agentCalls',
  'connected',
  'toolCalls',
  'toolOk',
  'modelErrorCalls',
  'ttsFailures',
  'agentTurns',
  'interruptedTurns',
  'completed',
  'contained',
  'escalationsRequested',
  'escalationsCorrect',
  'agentErrorCalls',
  'pii',
  'policy',
  'injection',
] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];
export type WindowCounters = Record<CounterName, number>;

export const COUNTER_COUNT = COUNTER_NAMES.length;

/** Position of each counter in a bucket's slice of a Float64Array. */
export const COUNTER = Object.fromEntries(COUNTER_NAMES.map((name, i) => [name, i])) as Record<
  CounterName,
  number
>;

export function countersFromArray(values: Float64Array): WindowCounters {
  return Object.fromEntries(COUNTER_NAMES.map((name, i) => [name, values[i] ?? 0])) as WindowCounters;
}

/** Scratch space for one call, reused across calls so ingesting allocates nothing per call. */
export interface CallTally {
  counters: Float64Array;
  turnLatenciesMs: number[];
  /** Latency of the first agent turn of a connected agent call, when it has one. */
  firstWordMs: number | null;
}

export function newCallTally(): CallTally {
  return { counters: new Float64Array(COUNTER_COUNT), turnLatenciesMs: [], firstWordMs: null };
}

/**
 * Fills `tally` with what `call` contributes. For a hand-off intent (the caller asked for a
 * person) the task is done when the agent transfers the call with its context.
 */
export function tallyCall(call: CallRecord, tally: CallTally, handoffIntent = false): void {
  const c = tally.counters;
  c.fill(0);
  tally.turnLatenciesMs.length = 0;
  tally.firstWordMs = null;

  c[COUNTER.allCalls] = 1;
  if (call.route === 'fallback') c[COUNTER.fallbackCalls] = 1;
  if (call.route !== 'agent') return;

  c[COUNTER.agentCalls] = 1;
  if (call.connected) {
    c[COUNTER.connected] = 1;
    const handedOff = handoffIntent && call.outcome === 'escalated' && call.escalation?.transferred && call.escalation.contextPreserved;
    if (call.outcome === 'completed' || handedOff) c[COUNTER.completed] = 1;
    if (call.outcome !== 'escalated') c[COUNTER.contained] = 1;
  }

  let toolOk = 0;
  for (const tool of call.toolCalls) if (tool.ok) toolOk++;
  c[COUNTER.toolCalls] = call.toolCalls.length;
  c[COUNTER.toolOk] = toolOk;

  let tts = 0;
  for (const error of call.errors) {
    if (error.kind === 'model') c[COUNTER.modelErrorCalls] = 1;
    else if (error.kind === 'tts') tts++;
  }
  c[COUNTER.ttsFailures] = tts;
  if (call.errors.length > 0) c[COUNTER.agentErrorCalls] = 1;

  let agentTurns = 0;
  let interrupted = 0;
  let firstStart = Infinity;
  let firstLatency: number | undefined;
  for (const turn of call.turns) {
    if (turn.speaker !== 'agent') continue;
    agentTurns++;
    if (turn.interrupted) interrupted++;
    if (turn.latencyMs !== undefined) tally.turnLatenciesMs.push(turn.latencyMs);
    // By start time rather than array position, so a relay that reorders turns changes nothing.
    if (turn.startMs < firstStart) {
      firstStart = turn.startMs;
      firstLatency = turn.latencyMs;
    }
  }
  c[COUNTER.agentTurns] = agentTurns;
  c[COUNTER.interruptedTurns] = interrupted;
  if (call.connected && firstLatency !== undefined) tally.firstWordMs = firstLatency;

  const escalation = call.escalation;
  if (escalation?.requested) {
    c[COUNTER.escalationsRequested] = 1;
    if (escalation.transferred && escalation.contextPreserved) c[COUNTER.escalationsCorrect] = 1;
  }

  c[COUNTER.pii] = call.safety.pii;
  c[COUNTER.policy] = call.safety.policy;
  c[COUNTER.injection] = call.safety.injection;
}
