import type { CallRecord, Route } from '../shared/protocol.js';
import { callTimes, MalformedError, shortId } from './call-parts.js';
import type { FormParams } from './signatures.js';

/**
 * Twilio call status callbacks (form-encoded). Several arrive per call when the team asked for
 * more than `completed` (initiated, ringing, answered); they may come out of order, so the
 * one with the highest SequenceNumber is the call's state. `busy`, `failed`, `no-answer` and
 * `canceled` end a call that never connected.
 */

export const FINAL_STATUSES = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const STATUSES = new Set(['queued', 'initiated', 'ringing', 'in-progress', 'answered', ...FINAL_STATUSES]);

export interface TwilioStatus {
  deliveryKey: string;
  sid: string;
  sequence: number;
  status: string;
  /** Twilio's time of the event, epoch ms, when it sent one. */
  timestamp: number | undefined;
  durationSec: number | undefined;
  to: string;
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function mapTwilioStatus(params: FormParams, idempotencyToken: string | undefined): TwilioStatus {
  const sid = one(params.CallSid);
  if (!sid) throw new MalformedError('CallSid: required');
  shortId(sid, 'CallSid');
  const status = one(params.CallStatus);
  if (!status) throw new MalformedError('CallStatus: required');
  if (!STATUSES.has(status)) throw new MalformedError(`CallStatus: not a call status Twilio sends: ${status.slice(0, 40)}`);
  const seqText = one(params.SequenceNumber);
  const sequence = seqText === undefined ? (FINAL_STATUSES.has(status) ? Number.MAX_SAFE_INTEGER : 0) : Number(seqText);
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new MalformedError('SequenceNumber: must be a whole number');
  const stamp = Date.parse(one(params.Timestamp) ?? '');
  const duration = Number(one(params.CallDuration) ?? Number.NaN);
  const token = idempotencyToken?.slice(0, 200);
  return {
    deliveryKey: token ? `twilio:token:${token}` : `twilio:${sid}:${sequence}:${status}`,
    sid,
    sequence,
    status,
    timestamp: Number.isNaN(stamp) ? undefined : stamp,
    durationSec: Number.isFinite(duration) && duration >= 0 ? duration : undefined,
    to: (one(params.To) ?? '').slice(0, 40),
  };
}

/** The record of a call Twilio alone told the relay about (the human line, the fallback, or a call no agent picked up). */
export function twilioCall(status: TwilioStatus, route: Route, intent: string, receivedAt: number): CallRecord {
  const connected = status.status === 'completed' && (status.durationSec ?? 1) > 0;
  const durationMs = (status.durationSec ?? 0) * 1000;
  return {
    id: `twilio-${status.sid}`,
    ...callTimes(undefined, status.timestamp, durationMs, receivedAt),
    intent,
    agentVersion: 'twilio',
    route,
    connected,
    outcome: connected ? 'completed' : 'abandoned',
    turns: [],
    toolCalls: [],
    errors: [],
    safety: { pii: 0, policy: 0, injection: 0 },
    platform: 'twilio',
    endedReason: status.status,
  };
}
