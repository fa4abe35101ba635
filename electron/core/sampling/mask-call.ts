import { maskPii } from '../../../shared/pii-mask.js';
import { CallRecordSchema, describeZodError, type CallRecord } from '../../../shared/protocol.js';
import type { PiiVault, Sealed } from './pii-vault.js';

/**
 * A call record as a reviewer sees it by default: personal data masked in every piece of free
 * text. Records are loose objects (a platform may add fields, e.g. tool arguments), so every
 * string is masked except the few fields known to hold identifiers, enums and times, which never
 * carry what a caller said.
 */

const CALL_KEYS = new Set(['id', 'startedAt', 'endedAt', 'intent', 'agentVersion', 'route', 'outcome', 'recordingUrl']);
const TURN_KEYS = new Set(['speaker']);
const TOOL_KEYS = new Set(['name']);
const ERROR_KEYS = new Set(['kind']);

export interface MaskedCall {
  call: CallRecord;
  /** Personal data items masked. */
  found: number;
}

export function maskCall(call: CallRecord): MaskedCall {
  let found = 0;
  const deep = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const masked = maskPii(value);
      found += masked.found;
      return masked.text;
    }
    if (Array.isArray(value)) return value.map(deep);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)]));
    }
    return value;
  };
  const except = <T extends object>(value: T, keep: ReadonlySet<string>): T =>
    Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keep.has(k) ? v : deep(v)])) as T;
  const { turns, toolCalls, errors, ...rest } = call;
  const masked: CallRecord = {
    ...except(rest, CALL_KEYS),
    turns: turns.map((t) => except(t, TURN_KEYS)),
    toolCalls: toolCalls.map((t) => except(t, TOOL_KEYS)),
    errors: errors.map((e) => except(e, ERROR_KEYS)),
  };
  return { call: masked, found };
}

/** A call as kept at rest: masked, with its original sealed when anything was masked and the console keeps originals. */
export interface ProtectedCall {
  call: CallRecord;
  found: number;
  original: Sealed | null;
}

export function protectCall(call: CallRecord, vault: PiiVault, now: number): ProtectedCall {
  const masked = maskCall(call);
  return { call: masked.call, found: masked.found, original: masked.found > 0 ? vault.seal(call, now) : null };
}

/** The original of a protected call, checked like any call record read back from storage. */
export function openOriginal(box: Sealed, vault: PiiVault): CallRecord {
  const parsed = CallRecordSchema.safeParse(vault.open(box));
  if (!parsed.success) throw new Error(`the stored original is not a call record: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
