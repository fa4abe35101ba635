import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_NAMESPACE, type CallRecord, type HeartbeatEvent } from '../../shared/protocol.js';
import { sendJson } from '../../protocol-server/http.js';
import { parseRelayConfig } from '../../relay/config.js';
import { parseKey, readRawFile } from '../../relay/raw-store.js';
import { startRelay, type RelayHandle } from '../../relay/server.js';
import {
  PAYLOAD_KEY_HEX,
  SECRETS,
  T,
  post,
  postRetell,
  postTwilio,
  postVapi,
  relayConfigJson,
  retellAnalyzed,
  retellCall,
  retellHeaders,
  twilioRequest,
  twilioStatus,
  vapiCompleted,
  vapiHeaders,
  vapiReport,
} from '../support/relay-fixtures.js';

/**
 * The relay in this process on loopback: signed fixtures in, hostile ones refused with the
 * right status and never stored, and what a console reads on the stream.
 */

let dataDir: string;
let relay: RelayHandle;
const logLines: string[] = [];
const calls: CallRecord[] = [];
let lastBeat: HeartbeatEvent | null = null;
let socket: Socket;

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const limit = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const refused = (platform: string, reason: string) => relay.metrics.get('relay_webhooks_refused_total', { platform, reason });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relay-webhooks-'));
  const config = parseRelayConfig(JSON.stringify(relayConfigJson(join(dataDir, 'data'))), 'test', dataDir);
  relay = await startRelay({
    config,
    secrets: { streamToken: SECRETS.stream, vapi: SECRETS.vapi, retell: SECRETS.retell, twilio: SECRETS.twilio },
    payloadKey: parseKey(PAYLOAD_KEY_HEX, 'test'),
    log: (line) => logLines.push(line),
    routes: [
      async (_req, res, url) => {
        if (url.pathname !== '/twiml/split') return false;
        sendJson(res, 200, { served: 'by a further route' });
        return true;
      },
    ],
  });
  socket = io(`${relay.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], auth: { token: SECRETS.stream, since: 0 } });
  socket.on('call', (e: { call: CallRecord }) => calls.push(e.call));
  socket.on('heartbeat', (b: HeartbeatEvent) => (lastBeat = b));
  await until(() => socket.connected, 'the stream');
});

afterAll(async () => {
  socket.close();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('hostile deliveries are refused before storage, each counted with one log line', () => {
  it('one byte changed in a signed Vapi body is 403', async () => {
    const body = JSON.stringify(vapiCompleted('forged-1'));
    const headers = vapiHeaders(body);
    const res = await post(relay.url, '/webhooks/vapi', body.replace('shipped', 'shippex'), headers);
    expect(res.status).toBe(403);
    expect(refused('vapi', 'bad_signature')).toBe(1);
    expect(logLines.filter((l) => l.includes('refused vapi'))).toHaveLength(1);
  });

  it('an unsigned request is 401, a stale timestamp 403', async () => {
    const body = JSON.stringify(vapiCompleted('unsigned-1'));
    expect((await post(relay.url, '/webhooks/vapi', body, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await postVapi(relay.url, vapiCompleted('stale-1'), Date.now() - 6 * 60_000)).status).toBe(403);
    const retellBody = JSON.stringify({ event: 'call_ended', call: retellCall('stale-r') });
    expect((await post(relay.url, '/webhooks/retell', retellBody, { 'content-type': 'application/json', 'x-retell-signature': 'v=1000,d=' + '0'.repeat(64) })).status).toBe(403);
    expect((await post(relay.url, '/webhooks/retell', retellBody, { 'content-type': 'application/json' })).status).toBe(401);
    expect(refused('vapi', 'unsigned')).toBe(1);
    expect(refused('vapi', 'stale')).toBe(1);
    expect(refused('retell', 'stale')).toBe(1);
    expect(refused('retell', 'unsigned')).toBe(1);
  });

  it('a replayed signed Retell request is 403 after the first is accepted', async () => {
    const body = JSON.stringify({ event: 'call_ended', call: retellCall('replay-1') });
    const headers = await retellHeaders(body);
    expect((await post(relay.url, '/webhooks/retell', body, headers)).status).toBe(200);
    expect((await post(relay.url, '/webhooks/retell', body, headers)).status).toBe(403);
    expect(refused('retell', 'replayed')).toBe(1);
  });

  it('a forged Twilio signature is 403; one parameter changed after signing too', async () => {
    const { body, headers } = twilioRequest(twilioStatus('CAforged0001', 'busy', 1));
    expect((await post(relay.url, '/webhooks/twilio/status', body.replace('busy', 'completed'), headers)).status).toBe(403);
    expect((await post(relay.url, '/webhooks/twilio/status', body, { ...headers, 'x-twilio-signature': 'AAAA' })).status).toBe(403);
    expect(refused('twilio', 'bad_signature')).toBe(2);
  });

  it('a 1 MB body is 413, refused before it is read whole', async () => {
    const big = JSON.stringify(vapiReport({ id: 'big-1', endedReason: 'customer-ended-call', structuredData: { pad: 'x'.repeat(1024 * 1024) } }));
    const res = await post(relay.url, '/webhooks/vapi', big, vapiHeaders(big));
    expect(res.status).toBe(413);
    expect(refused('vapi', 'too_large')).toBe(1);
  });

  it('a signed delivery missing required fields is 400 naming the field', async () => {
    const res = await postVapi(relay.url, { message: { type: 'end-of-call-report', artifact: {}, analysis: {} } });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/message\.call\.id/);
    const twilio = await postTwilio(relay.url, { ...twilioStatus('CAmissing01', 'busy', 1), CallStatus: undefined as never });
    expect(twilio.status).toBe(400);
    expect(relay.metrics.get('relay_webhooks_malformed_total', { platform: 'vapi' })).toBe(1);
  });

  it('nothing refused reached the stream or the raw store', () => {
    expect(calls.map((c) => c.id).filter((id) => /forged|unsigned|stale|big|missing/.test(id))).toEqual([]);
    const rawDir = join(dataDir, 'data', 'raw');
    const stored = readdirSync(rawDir).flatMap((f) => readRawFile(join(rawDir, f), parseKey(PAYLOAD_KEY_HEX, 'test')));
    expect(stored.map((d) => d.body).join('\n')).not.toMatch(/forged-1|unsigned-1|stale-1|big-1/);
  });
});

describe('accepted deliveries become calls on the stream', () => {
  it('a Vapi report becomes one call, masked, counted once however often it is delivered', async () => {
    const report = vapiCompleted('ok-1');
    expect((await postVapi(relay.url, report)).json.outcome).toBe('accepted');
    expect((await postVapi(relay.url, report)).json.outcome).toBe('duplicate');
    await until(() => calls.some((c) => c.id === 'vapi-ok-1'), 'the call');
    const call = calls.find((c) => c.id === 'vapi-ok-1') as CallRecord;
    expect(calls.filter((c) => c.id === 'vapi-ok-1')).toHaveLength(1);
    expect(call.turns.map((t) => t.text).join(' ')).not.toContain('415-555-0134');
    expect(call.turns[1]?.text).toContain('[phone ••••0134]');
    expect(relay.metrics.get('relay_webhooks_duplicate_total', { platform: 'vapi' })).toBe(1);
  });

  it('a Retell call_ended waits for its call_analyzed and goes out once, merged', async () => {
    const base = retellCall('pair-1');
    await postRetell(relay.url, { event: 'call_ended', call: base });
    await new Promise((r) => setTimeout(r, 200));
    expect(calls.some((c) => c.id === 'retell-pair-1')).toBe(false);
    await postRetell(relay.url, retellAnalyzed(base, 'billing_question', true));
    await until(() => calls.some((c) => c.id === 'retell-pair-1'), 'the Retell call');
    const call = calls.find((c) => c.id === 'retell-pair-1') as CallRecord;
    expect(call.intent).toBe('billing_question');
    expect(call.outcome).toBe('completed');
  });

  it('a Retell call_ended alone goes out when its hold runs out', async () => {
    await until(() => calls.some((c) => c.id === 'retell-replay-1'), 'the held call', 5000);
    expect(calls.find((c) => c.id === 'retell-replay-1')?.intent).toBe('unknown');
  });

  it('a Twilio callback for a Vapi call merges into it; a lone busy call goes out on its own', async () => {
    await postTwilio(relay.url, twilioStatus('CAvapi000001', 'completed', 3));
    await postVapi(relay.url, vapiCompleted('via-twilio', { twilioSid: 'CAvapi000001' }));
    await postTwilio(relay.url, twilioStatus('CAvapi000001', 'in-progress', 2));
    await postTwilio(relay.url, twilioStatus('CAbusy000001', 'busy', 1));
    await until(() => calls.some((c) => c.id === 'twilio-CAbusy000001'), 'the busy call', 5000);
    expect(calls.filter((c) => c.id.includes('CAvapi000001'))).toEqual([]);
    expect(calls.find((c) => c.id === 'vapi-via-twilio')).toMatchObject({ telephony: { callSid: 'CAvapi000001', status: 'completed' } });
    expect(calls.find((c) => c.id === 'twilio-CAbusy000001')).toMatchObject({ connected: false, route: 'agent' });
    expect(relay.metrics.get('relay_webhooks_merged_total', { platform: 'twilio' })).toBe(1);
  });

  it('a platform clock running ahead does not date a call in the future', async () => {
    const future = Date.now() + 3_600_000;
    await postVapi(relay.url, vapiCompleted('skewed-1', { startedAt: future - 60_000, endedAt: future }));
    await until(() => calls.some((c) => c.id === 'vapi-skewed-1'), 'the skewed call');
    expect(Date.parse((calls.find((c) => c.id === 'vapi-skewed-1') as CallRecord).endedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('heartbeats carry when each platform was last heard from', async () => {
    await until(() => lastBeat?.platforms?.vapi?.lastWebhookAt != null, 'a heartbeat');
    expect(Object.keys(lastBeat?.platforms ?? {}).sort()).toEqual(['retell', 'twilio', 'vapi']);
    expect(lastBeat?.platforms?.retell?.quietAfterSec).toBe(180);
  });

  it('raw payloads are encrypted at rest and open with the key', () => {
    const rawDir = join(dataDir, 'data', 'raw');
    const files = readdirSync(rawDir);
    const text = files.map((f) => readFileSync(join(rawDir, f), 'utf8')).join('');
    expect(text).not.toContain('415-555-0134');
    expect(text).not.toContain('ok-1');
    const opened = files.flatMap((f) => readRawFile(join(rawDir, f), parseKey(PAYLOAD_KEY_HEX, 'test')));
    expect(opened.some((d) => d.body.includes('415-555-0134'))).toBe(true);
    expect(() => readRawFile(join(rawDir, files[0] ?? ''), parseKey('00'.repeat(32), 'test'))).toThrow(/does not open/);
  });

  it('/healthz and /metrics answer in their formats', async () => {
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/^# HELP relay_webhooks_accepted_total /m);
    expect(metrics).toMatch(/^relay_webhooks_accepted_total\{platform="vapi"\} \d+$/m);
    expect(metrics).toMatch(/^relay_webhooks_refused_total\{platform="vapi",reason="bad_signature"\} 1$/m);
  });

  it('serves further routes beside the webhooks', async () => {
    expect(await (await fetch(`${relay.url}/twiml/split`)).json()).toEqual({ served: 'by a further route' });
    expect((await fetch(`${relay.url}/nothing-here`)).status).toBe(404);
  });

  it('the stream refuses a console without the token', async () => {
    const bad = io(`${relay.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], auth: { token: 'nope' }, reconnection: false });
    const error = await new Promise<string>((resolve) => bad.on('connect_error', (e) => resolve(e.message)));
    bad.close();
    expect(error).toBe('unauthorized');
    expect(T).toBeGreaterThan(0);
  });
});
