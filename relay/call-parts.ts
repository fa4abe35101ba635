import { maskPii } from '../shared/pii-mask.js';
import type { CallRecord, Turn } from '../shared/protocol.js';

/** Pieces every platform mapping shares: masking, size caps, times that cannot run ahead. */

export class MalformedError extends Error {
  override name = 'MalformedError';
}

export interface MapContext {
  /** When the relay received the delivery (its own clock). */
  receivedAt: number;
  defaultIntent: string;
  intentPath: string;
}

/** A call as one platform reports it, before any merge. */
export interface MappedCall {
  /** `<platform>:<platform's call id>`: one call, however many deliveries describe it. */
  callKey: string;
  call: CallRecord;
  /** The Twilio CallSid of the phone leg, when the platform says which. */
  twilioSid?: string | undefined;
}

const MAX_TEXT = 4000;
const MAX_TURNS = 400;
const MAX_TOOLS = 200;
export const CUT_MARK = ' […]';

/** Text capped with the cut marked, and personal data masked; `found` counts what was masked. */
export function cleanText(text: string): { text: string; found: number } {
  const capped = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + CUT_MARK : text;
  return maskPii(capped);
}

export function capList<T>(items: T[], max: number): T[] {
  return items.length > max ? items.slice(0, max) : items;
}
export const capTurns = (turns: Turn[]): Turn[] => capList(turns, MAX_TURNS);
export const capTools = <T>(tools: T[]): T[] => capList(tools, MAX_TOOLS);

export function shortId(value: string, field: string): string {
  if (!/^[\w.:-]{1,200}$/.test(value)) throw new MalformedError(`${field}: not an id (letters, digits, ._:- up to 200)`);
  return value;
}

/**
 * Start and end on the relay's clock: a platform clock running ahead cannot date a call in
 * the future (which would drag the console's stream time with it), and a missing or absurd
 * time falls back to the moment the relay heard of the call.
 */
export function callTimes(startMs: number | undefined, endMs: number | undefined, durationMs: number | undefined, receivedAt: number): { startedAt: string; endedAt: string } {
  const valid = (t: number | undefined): t is number => t !== undefined && Number.isFinite(t) && t > 946_684_800_000;
  let end = valid(endMs) ? Math.min(endMs, receivedAt) : receivedAt;
  let start = valid(startMs) ? startMs : end - Math.max(0, durationMs ?? 0);
  if (start > end) start = end;
  if (!valid(start)) start = end;
  // A report dated weeks back is a replay from a platform's queue: keep its length, not its date.
  if (receivedAt - end > 2 * 86_400_000) {
    start = receivedAt - (end - start);
    end = receivedAt;
  }
  return { startedAt: new Date(start).toISOString(), endedAt: new Date(end).toISOString() };
}

/** A value at a dotted path, as an intent name, or null. */
export function intentAt(data: unknown, path: string): string | null {
  let node: unknown = data;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node !== 'string') return null;
  const intent = node.trim().slice(0, 100);
  return intent.length > 0 ? intent : null;
}

/**
 * Latencies given per exchange (caller speaks, agent answers) onto the agent turns that answer
 * a caller; an agent turn before any caller turn is the greeting, whose latency is its time to
 * first word.
 */
export function placeLatencies(turns: Turn[], latencies: readonly number[]): void {
  let next = 0;
  let callerSpoke = false;
  let previous: Turn['speaker'] | null = null;
  for (const turn of turns) {
    const answersCaller = previous === 'caller';
    previous = turn.speaker;
    if (turn.speaker === 'caller') {
      callerSpoke = true;
      continue;
    }
    if (!callerSpoke) {
      if (turns.indexOf(turn) === 0) turn.latencyMs = Math.max(0, Math.round(turn.startMs));
      continue;
    }
    if (!answersCaller) continue;
    const value = latencies[next];
    next += 1;
    if (value !== undefined && Number.isFinite(value) && value >= 0) turn.latencyMs = Math.round(value);
  }
}

/** The agent speaking personal data aloud is a safety event; counted before masking hides it. */
export function agentPii(turns: { speaker: string; found: number }[]): number {
  return turns.filter((t) => t.speaker === 'agent' && t.found > 0).length;
}
