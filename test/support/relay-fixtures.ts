import { createHmac } from 'node:crypto';
import type { Vapi } from '@vapi-ai/server-sdk';
import { sign as retellSign } from 'retell-sdk';
import type { PhoneCallResponse } from 'retell-sdk/resources/call';
import twilio from 'twilio';
import type { CallStatus } from 'twilio/lib/rest/api/v2010/account/call';

/**
 * Webhook deliveries as Vapi, Retell and Twilio send them, typed against each vendor SDK's own
 * types (a field the vendor does not send does not compile) and signed with the SDKs' own
 * functions where they have one, under test secrets.
 */

export const SECRETS = {
  vapi: 'vapi-test-hmac-secret',
  retell: 'key_retell_test_0123456789',
  twilio: 'twilio_test_auth_token_0123456789ab',
  stream: 'stream-test-token',
};
export const PAYLOAD_KEY_HEX = '7f'.repeat(32);
export const ENV = {
  VAPI_SECRET: SECRETS.vapi,
  RETELL_API_KEY: SECRETS.retell,
  TWILIO_AUTH_TOKEN: SECRETS.twilio,
  RELAY_STREAM_TOKEN: SECRETS.stream,
  RELAY_PAYLOAD_KEY: PAYLOAD_KEY_HEX,
};

/** A relay configuration for tests: every platform, short holds, data in `dataDir`. */
export function relayConfigJson(dataDir: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    publicUrl: 'https://relay.example.com',
    listen: { host: '127.0.0.1', port: 0 },
    launchId: 'spring-launch',
    dataDir,
    payloadKey: { env: 'RELAY_PAYLOAD_KEY' },
    vapi: { auth: { kind: 'hmac', secretEnv: 'VAPI_SECRET' } },
    retell: { apiKeyEnv: 'RETELL_API_KEY', holdSec: 1 },
    twilio: { authTokenEnv: 'TWILIO_AUTH_TOKEN', holdSec: 1, numbers: { '+15550100999': 'human' } },
    ...over,
  };
}

// ---- Vapi ---------------------------------------------------------------------------------

export const T = Date.UTC(2026, 4, 12, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

type VapiMessages = NonNullable<Vapi.Artifact['messages']>;

function bot(text: string, from: number, seconds: number): Vapi.BotMessage {
  return { role: 'bot', message: text, time: T + from * 1000, endTime: T + (from + seconds) * 1000, secondsFromStart: from, duration: seconds * 1000, source: '' };
}
function user(text: string, from: number, seconds: number): Vapi.UserMessage {
  return { role: 'user', message: text, time: T + from * 1000, endTime: T + (from + seconds) * 1000, secondsFromStart: from, duration: seconds * 1000 };
}

export interface VapiCallParts {
  id: string;
  endedReason: Vapi.ServerMessageEndOfCallReportEndedReason | (string & {});
  messages?: VapiMessages;
  turnLatencies?: number[];
  structuredData?: Record<string, unknown>;
  successEvaluation?: string;
  transfers?: Vapi.TransferArtifact[];
  twilioSid?: string;
  startedAt?: number;
  endedAt?: number;
}

export function vapiReport(p: VapiCallParts): { message: Vapi.ServerMessageEndOfCallReport } {
  const call = {
    id: p.id,
    orgId: 'org_1',
    createdAt: iso(T),
    updatedAt: iso(T),
    type: 'inboundPhoneCall',
    assistantId: 'asst_support',
    ...(p.twilioSid ? { phoneCallProvider: 'twilio', phoneCallProviderId: p.twilioSid } : {}),
  } satisfies Vapi.Call;
  const message = {
    type: 'end-of-call-report',
    endedReason: p.endedReason as Vapi.ServerMessageEndOfCallReportEndedReason,
    assistantVersion: '7',
    call,
    startedAt: iso(p.startedAt ?? T),
    endedAt: iso(p.endedAt ?? T + 60_000),
    timestamp: p.endedAt ?? T + 60_000,
    artifact: {
      messages: p.messages ?? [],
      recordingUrl: `https://storage.vapi.ai/${p.id}-mono.wav`,
      performanceMetrics: { turnLatencies: (p.turnLatencies ?? []).map((turnLatency) => ({ turnLatency })) },
      ...(p.transfers ? { transfers: p.transfers } : {}),
    },
    analysis: {
      ...(p.structuredData ? { structuredData: p.structuredData } : {}),
      ...(p.successEvaluation ? { successEvaluation: p.successEvaluation } : {}),
    },
  } satisfies Vapi.ServerMessageEndOfCallReport;
  return { message };
}

/** A completed order-status call: greeting, two exchanges, one tool call. */
export function vapiCompleted(id: string, over: Partial<VapiCallParts> = {}): { message: Vapi.ServerMessageEndOfCallReport } {
  const toolCall: Vapi.ToolCallMessage = {
    role: 'tool_calls',
    message: '',
    time: T + 9_000,
    secondsFromStart: 9,
    toolCalls: [{ id: `tc-${id}`, type: 'function', function: { name: 'lookup_order', arguments: '{"order":"55012"}' } }],
  };
  const toolResult: Vapi.ToolCallResultMessage = {
    role: 'tool_call_result',
    toolCallId: `tc-${id}`,
    name: 'lookup_order',
    result: '{"status":"shipped"}',
    time: T + 9_400,
    secondsFromStart: 9.4,
  };
  return vapiReport({
    id,
    endedReason: 'customer-ended-call',
    messages: [
      bot('Hi, this is Acme support. How can I help?', 0.8, 2),
      user('Where is my order 55012? You can text me on 415-555-0134.', 4, 3),
      toolCall,
      toolResult,
      bot('Your order shipped yesterday and arrives Friday.', 10, 3),
      user('Great, thanks.', 14, 1),
      bot('You are welcome, goodbye.', 15.5, 1.5),
    ],
    turnLatencies: [900, 700],
    structuredData: { intent: 'order_status' },
    successEvaluation: 'true',
    ...over,
  });
}

/** The HMAC plan Vapi documents: hex HMAC-SHA256(secret, `${timestamp}.${body}`), x-signature + x-timestamp. */
export function vapiHeaders(body: string, timestamp = Date.now(), secret = SECRETS.vapi): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'x-signature': signature, 'x-timestamp': String(timestamp) };
}

// ---- Retell -------------------------------------------------------------------------------

export function retellCall(id: string, over: Partial<PhoneCallResponse> = {}): PhoneCallResponse {
  return {
    call_id: id,
    agent_id: 'agent_billing',
    agent_version: 3,
    call_status: 'ended',
    call_type: 'phone_call',
    direction: 'inbound',
    from_number: '+14155550134',
    to_number: '+15550100001',
    start_timestamp: T + 120_000,
    end_timestamp: T + 180_000,
    duration_ms: 60_000,
    disconnection_reason: 'user_hangup',
    recording_url: `https://retell.example/recordings/${id}.wav`,
    transcript_object: [
      { role: 'agent', content: 'Thanks for calling billing.', words: [{ word: 'Thanks', start: 0.5, end: 0.9 }, { word: 'billing.', start: 1.2, end: 1.8 }] },
      { role: 'user', content: 'My card 4111 1111 1111 1111 was charged twice.', words: [{ word: 'My', start: 3, end: 3.2 }, { word: 'twice.', start: 5.5, end: 6 }] },
      { role: 'agent', content: 'I see the double charge and refunded one.', words: [{ word: 'I', start: 7.1, end: 7.2 }, { word: 'one.', start: 9, end: 9.4 }] },
    ],
    latency: { e2e: { values: [1100], p50: 1100 } },
    transcript_with_tool_calls: [
      { role: 'tool_call_invocation', tool_call_id: 't1', name: 'refund_charge', arguments: '{}' },
      { role: 'tool_call_result', tool_call_id: 't1', content: 'refunded', successful: true },
    ],
    ...over,
  };
}

export interface RetellEvent {
  event: 'call_started' | 'call_ended' | 'call_analyzed';
  call: PhoneCallResponse;
}

export function retellAnalyzed(call: PhoneCallResponse, intent: string, successful: boolean): RetellEvent {
  return { event: 'call_analyzed', call: { ...call, call_analysis: { call_successful: successful, custom_analysis_data: { intent }, call_summary: 'Billing question.' } } };
}

/** Signed with retell-sdk's own `sign`. */
export async function retellHeaders(body: string): Promise<Record<string, string>> {
  return { 'content-type': 'application/json', 'x-retell-signature': await retellSign(body, SECRETS.retell) };
}

// ---- Twilio -------------------------------------------------------------------------------

/** The parameters of a Twilio call status callback (Twilio's SDK has no type for the callback; the status is its CallStatus). */
export interface TwilioStatusParams {
  AccountSid: string;
  ApiVersion: '2010-04-01';
  CallSid: string;
  CallStatus: CallStatus;
  Direction: 'inbound' | 'outbound-api' | 'outbound-dial';
  From: string;
  To: string;
  SequenceNumber: string;
  Timestamp: string;
  CallbackSource: 'call-progress-events';
  CallDuration?: string;
}

export function twilioStatus(sid: string, status: CallStatus, sequence: number, over: Partial<TwilioStatusParams> = {}): TwilioStatusParams {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    CallSid: sid,
    CallStatus: status,
    Direction: 'inbound',
    From: '+14155550134',
    To: '+15550100001',
    SequenceNumber: String(sequence),
    Timestamp: new Date(T + 200_000).toUTCString(),
    CallbackSource: 'call-progress-events',
    ...(status === 'completed' ? { CallDuration: '42' } : {}),
    ...over,
  };
}

export const TWILIO_URL = 'https://relay.example.com/webhooks/twilio/status';

/** Form body and headers, signed with twilio's own getExpectedTwilioSignature. */
export function twilioRequest(params: TwilioStatusParams, token = `idem-${params.CallSid}-${params.SequenceNumber}`): { body: string; headers: Record<string, string> } {
  const fields = params as unknown as Record<string, string>;
  return {
    body: new URLSearchParams(fields).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(SECRETS.twilio, TWILIO_URL, fields),
      'i-twilio-idempotency-token': token,
    },
  };
}

// ---- Posting ------------------------------------------------------------------------------

export async function post(base: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function postVapi(base: string, payload: unknown, timestamp = Date.now()): Promise<{ status: number; json: Record<string, unknown> }> {
  const body = JSON.stringify(payload);
  return post(base, '/webhooks/vapi', body, vapiHeaders(body, timestamp));
}

export async function postRetell(base: string, payload: RetellEvent): Promise<{ status: number; json: Record<string, unknown> }> {
  const body = JSON.stringify(payload);
  return post(base, '/webhooks/retell', body, await retellHeaders(body));
}

export async function postTwilio(base: string, params: TwilioStatusParams, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const { body, headers } = twilioRequest(params, token);
  return post(base, '/webhooks/twilio/status', body, headers);
}
