import { describe, expect, it } from 'vitest';
import { CallRecordSchema } from '../../shared/protocol.js';
import type { MapContext } from '../../relay/call-parts.js';
import { parseRelayConfig } from '../../relay/config.js';
import { mapRetell } from '../../relay/map-retell.js';
import { mapTwilioStatus, twilioCall } from '../../relay/map-twilio.js';
import { classifyVapiEndedReason, mapVapi } from '../../relay/map-vapi.js';
import { parseForm } from '../../relay/signatures.js';
import { T, retellAnalyzed, retellCall, twilioRequest, twilioStatus, vapiCompleted, vapiReport } from '../support/relay-fixtures.js';

/** Each case the platforms send, mapped to the call record the console counts. */

const ctx: MapContext = { receivedAt: T + 10 * 60_000, defaultIntent: 'unknown', intentPath: 'intent' };

function vapi(payload: unknown) {
  const r = mapVapi(payload, ctx);
  if (r.kind !== 'call') throw new Error('expected a call');
  expect(CallRecordSchema.safeParse(r.mapped.call).success).toBe(true);
  return r;
}
function retell(payload: unknown) {
  const r = mapRetell(payload, ctx);
  if (r.kind !== 'call') throw new Error('expected a call');
  expect(CallRecordSchema.safeParse(r.mapped.call).success).toBe(true);
  return r;
}

describe('Vapi end-of-call-report', () => {
  it('a completed call: turns, latencies, tool calls, intent, version, recording', () => {
    const { mapped } = vapi(vapiCompleted('c-1'));
    const call = mapped.call;
    expect(call).toMatchObject({ id: 'vapi-c-1', intent: 'order_status', agentVersion: 'asst_support@7', route: 'agent', connected: true, outcome: 'completed' });
    expect(call.turns.map((t) => [t.speaker, t.startMs, t.endMs, t.latencyMs])).toEqual([
      ['agent', 800, 2800, 800],
      ['caller', 4000, 7000, undefined],
      ['agent', 10000, 13000, 900],
      ['caller', 14000, 15000, undefined],
      ['agent', 15500, 17000, 700],
    ]);
    expect(call.toolCalls).toEqual([{ name: 'lookup_order', ok: true, latencyMs: 400 }]);
    expect(call.recordingUrl).toBe('https://storage.vapi.ai/c-1-mono.wav');
    expect(call.turns[1]?.text).toBe('Where is my order 55012? You can text me on [phone ••••0134].');
    expect(call.startedAt).toBe(new Date(T).toISOString());
  });

  it('a call that never connected', () => {
    const { mapped } = vapi(vapiReport({ id: 'nc-1', endedReason: 'customer-did-not-answer' }));
    expect(mapped.call).toMatchObject({ connected: false, outcome: 'abandoned', errors: [], turns: [] });
    expect(mapped.call.recordingUrl).toBeUndefined();
  });

  it('a pipeline error is an agent-side error of the failing part', () => {
    expect(vapi(vapiReport({ id: 'pe-1', endedReason: 'pipeline-error-openai-llm-failed' })).mapped.call).toMatchObject({ outcome: 'failed', errors: [{ kind: 'model' }] });
    expect(classifyVapiEndedReason('call.in-progress.error-vapifault-eleven-labs-voice-failed').error).toBe('tts');
    expect(classifyVapiEndedReason('call.in-progress.error-providerfault-deepgram-returning-502-network-error').error).toBe('stt');
    expect(classifyVapiEndedReason('pipeline-error-cartesia-voice-failed')).toEqual({ connected: true, error: 'tts', known: true });
    expect(classifyVapiEndedReason('call.in-progress.error-vapifault-transport-never-connected')).toMatchObject({ connected: false, error: null });
    expect(classifyVapiEndedReason('twilio-failed-to-connect-call')).toMatchObject({ connected: false });
  });

  it('a warm transfer with a summary is an escalation that kept its context', () => {
    const { mapped } = vapi(
      vapiCompleted('tr-1', {
        endedReason: 'assistant-forwarded-call',
        transfers: [{ destination: { type: 'number', number: '+15550100999' }, mode: 'warm-transfer-say-summary', status: 'connected' }],
      }),
    );
    expect(mapped.call).toMatchObject({ outcome: 'escalated', escalation: { requested: true, transferred: true, contextPreserved: true } });
  });

  it('an unknown endedReason is kept raw, visible and flagged', () => {
    const r = vapi(vapiReport({ id: 'unk-1', endedReason: 'call.in-progress.some-new-reason-2027' }));
    expect(r.unknownReason).toBe('call.in-progress.some-new-reason-2027');
    expect(r.mapped.call).toMatchObject({ endedReason: 'call.in-progress.some-new-reason-2027', connected: true, errors: [] });
  });

  it('every endedReason the SDK declares falls in a family', async () => {
    const { Vapi } = await import('@vapi-ai/server-sdk');
    const declared = Object.values(Vapi.ServerMessageEndOfCallReportEndedReason as Record<string, string>);
    expect(declared.length).toBeGreaterThan(300);
    const unknown = declared.filter((r) => !classifyVapiEndedReason(r).known);
    expect(unknown).toEqual([]);
  });

  it('other server messages carry no ended call', () => {
    expect(mapVapi({ message: { type: 'status-update', status: 'in-progress' } }, ctx)).toEqual({ kind: 'ignored', type: 'status-update' });
  });

  it('the Twilio CallSid of a Vapi call on a Twilio number', () => {
    expect(vapi(vapiCompleted('tw-1', { twilioSid: 'CA123' })).mapped.twilioSid).toBe('CA123');
  });
});

describe('Retell call_ended and call_analyzed', () => {
  it('call_ended: transcript, e2e latency, tool calls, agent version; PII the agent speaks counted', () => {
    const r = retell({ event: 'call_ended', call: retellCall('r-1') });
    expect(r.event).toBe('call_ended');
    expect(r.mapped.call).toMatchObject({ id: 'retell-r-1', agentVersion: 'agent_billing@3', intent: 'unknown', outcome: 'completed', connected: true });
    expect(r.mapped.call.turns.map((t) => [t.speaker, t.startMs, t.latencyMs])).toEqual([
      ['agent', 500, 500],
      ['caller', 3000, undefined],
      ['agent', 7100, 1100],
    ]);
    expect(r.mapped.call.turns[1]?.text).toContain('[card ••••1111]');
    expect(r.mapped.call.toolCalls).toEqual([{ name: 'refund_charge', ok: true, latencyMs: 0 }]);
  });

  it('call_analyzed brings the intent and task success; `event_type` is read too', () => {
    const analyzed = retellAnalyzed(retellCall('r-2'), 'billing_question', false);
    const r = retell({ event_type: analyzed.event, call: analyzed.call });
    expect(r.mapped.call).toMatchObject({ intent: 'billing_question', outcome: 'abandoned' });
  });

  it('dial_* never connected, error_* are agent errors, call_transfer an escalation', () => {
    expect(retell({ event: 'call_ended', call: retellCall('r-3', { disconnection_reason: 'dial_no_answer', call_status: 'not_connected' }) }).mapped.call).toMatchObject({ connected: false, turns: [] });
    expect(retell({ event: 'call_ended', call: retellCall('r-4', { disconnection_reason: 'error_asr' }) }).mapped.call).toMatchObject({ outcome: 'failed', errors: [{ kind: 'stt' }] });
    expect(retell({ event: 'call_ended', call: retellCall('r-5', { disconnection_reason: 'call_transfer' }) }).mapped.call).toMatchObject({
      outcome: 'escalated',
      escalation: { requested: true, transferred: true, contextPreserved: true },
    });
  });

  it('a call_started is acknowledged and left aside', () => {
    expect(mapRetell({ event: 'call_started', call: retellCall('r-6') }, ctx)).toEqual({ kind: 'ignored', type: 'call_started' });
  });
});

describe('Twilio status callbacks', () => {
  it.each(['busy', 'no-answer', 'failed', 'canceled'] as const)('%s is a call that never connected', (status) => {
    const { body } = twilioRequest(twilioStatus('CA9', status, 2));
    const s = mapTwilioStatus(parseForm(body), 'tok-1');
    expect(s).toMatchObject({ sid: 'CA9', sequence: 2, status, deliveryKey: 'twilio:token:tok-1' });
    const call = twilioCall(s, 'agent', 'unknown', T + 300_000);
    expect(call).toMatchObject({ id: 'twilio-CA9', connected: false, outcome: 'abandoned', route: 'agent' });
    expect(CallRecordSchema.safeParse(call).success).toBe(true);
  });

  it('completed with a duration connected; the time comes from Twilio’s Timestamp', () => {
    const s = mapTwilioStatus(parseForm(twilioRequest(twilioStatus('CA10', 'completed', 5)).body), undefined);
    const call = twilioCall(s, 'human', 'unknown', T + 300_000);
    expect(call).toMatchObject({ connected: true, outcome: 'completed', route: 'human', endedAt: new Date(T + 200_000).toISOString(), startedAt: new Date(T + 158_000).toISOString() });
  });
});

describe('relay configuration', () => {
  const base = { publicUrl: 'https://relay.example.com', launchId: 'l', dataDir: 'data', payloadKey: { env: 'K' }, retell: { apiKeyEnv: 'RETELL_API_KEY' } };
  it('refuses an unknown key, naming it and the one meant', () => {
    expect(() => parseRelayConfig(JSON.stringify({ ...base, publicURL: 'x' }), 'relay.json', '/tmp')).toThrow(/publicURL: unknown key \(did you mean "publicUrl"\?\)/);
    expect(() => parseRelayConfig(JSON.stringify({ ...base, retell: { apiKeyEnv: 'K', holdsec: 5 } }), 'relay.json', '/tmp')).toThrow(/retell\.holdsec: unknown key \(did you mean "holdSec"\?\)/);
  });
  it('requires the public URL, https, loopback unless behind a TLS proxy, a key outside the data folder', () => {
    const { publicUrl: _drop, ...noUrl } = base;
    expect(() => parseRelayConfig(JSON.stringify(noUrl), 'relay.json', '/tmp')).toThrow(/publicUrl/);
    expect(() => parseRelayConfig(JSON.stringify({ ...base, publicUrl: 'http://relay.example.com' }), 'r', '/tmp')).toThrow(/https/);
    expect(() => parseRelayConfig(JSON.stringify({ ...base, listen: { host: '0.0.0.0' } }), 'r', '/tmp')).toThrow(/behindTlsProxy/);
    expect(parseRelayConfig(JSON.stringify({ ...base, listen: { host: '0.0.0.0' }, behindTlsProxy: true }), 'r', '/tmp').listen.host).toBe('0.0.0.0');
    expect(() => parseRelayConfig(JSON.stringify({ ...base, payloadKey: { file: 'data/key' } }), 'r', '/tmp')).toThrow(/outside dataDir/);
    expect(() => parseRelayConfig(JSON.stringify({ ...base, retell: { apiKeyEnv: 'sk_live_abc' } }), 'r', '/tmp')).toThrow(/environment variable name/);
  });
});
