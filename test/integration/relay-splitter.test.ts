import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRelayConfig } from '../../relay/config.js';
import { parseKey } from '../../relay/raw-store.js';
import { startRelay, type RelayHandle } from '../../relay/server.js';
import { SHARE_PATH, SPLIT_PATH, splitterRoutes } from '../../relay/splitter.js';
import { RoutingConfigSchema } from '../../shared/routing-config.js';
import { routingProviderFor } from '../../electron/core/routing/providers/from-config.js';
import { PAYLOAD_KEY_HEX, relayConfigJson, SECRETS } from '../support/relay-fixtures.js';
import { startTwilioFake, type FakePlatform, type TwilioNumberState } from '../support/platform-fakes.js';

/**
 * The Twilio splitter served by the relay: each call's TwiML dials the agent or the human line by
 * the share the console set, the same answer for a retried webhook, and the configured share of
 * 1,000 calls within its binomial bounds; the Twilio adapter sets the share and reads it back.
 */

const PUBLIC = 'https://relay.example.com';
const SPLITTER_TOKEN = 'splitter-test-token';
const AGENT = 'sip:agent@sip.example.com';
const HUMAN = '+14155550999';

let relay: RelayHandle;
let dataDir: string;

function startRelayWithSplitter(): Promise<RelayHandle> {
  const config = parseRelayConfig(JSON.stringify(relayConfigJson(join(dataDir, 'data'), { splitter: { agent: AGENT, human: HUMAN } })), 'test', dataDir);
  return startRelay({
    config,
    secrets: { streamToken: SECRETS.stream, vapi: SECRETS.vapi, retell: SECRETS.retell, twilio: SECRETS.twilio, splitter: SPLITTER_TOKEN },
    payloadKey: parseKey(PAYLOAD_KEY_HEX, 'test'),
    log: () => undefined,
    routes: splitterRoutes({ publicUrl: PUBLIC, twilioAuthToken: SECRETS.twilio, splitterToken: SPLITTER_TOKEN, agent: AGENT, human: HUMAN, file: join(dataDir, 'data', 'splitter.json') }),
  });
}

async function call(callSid: string, sign = true): Promise<{ status: number; text: string }> {
  const params = { CallSid: callSid, AccountSid: `AC${'a'.repeat(32)}`, From: '+14155550123', To: '+14155550101', CallStatus: 'ringing', Direction: 'inbound' };
  const signature = twilio.getExpectedTwilioSignature(SECRETS.twilio, `${PUBLIC}${SPLIT_PATH}`, params);
  const res = await fetch(`${relay.url}${SPLIT_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(sign ? { 'X-Twilio-Signature': signature } : {}) },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text() };
}

const putShare = (body: unknown, token = SPLITTER_TOKEN) =>
  fetch(`${relay.url}${SHARE_PATH}`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const sid = (i: number) => `CA${i.toString(16).padStart(32, '0')}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'relay-splitter-'));
  relay = await startRelayWithSplitter();
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the TwiML splitter', () => {
  it('sends every call to people until a share is set', async () => {
    const { status, text } = await call(sid(1));
    expect(status).toBe(200);
    expect(text).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Number>${HUMAN}</Number></Dial></Response>`);
  });

  it('refuses an unsigned request, a wrong token and a bad share', async () => {
    expect((await call(sid(2), false)).status).toBe(401);
    expect((await putShare({ share: 50, paused: false }, 'wrong')).status).toBe(401);
    expect((await putShare({ share: 150, paused: false })).status).toBe(400);
    expect((await putShare({ share: 50, paused: false, extra: 1 })).status).toBe(400);
    expect((await fetch(`${relay.url}${SPLIT_PATH}`)).status).toBe(405);
  });

  it.each([5, 25, 50])('sends %i%% of 1,000 calls to the agent, within the binomial bounds, the same answer for a retried webhook', async (share) => {
    expect((await putShare({ share, paused: false })).status).toBe(200);
    let agent = 0;
    for (let i = 0; i < 1000; i++) {
      const { text } = await call(sid(share * 10_000 + i));
      if (text.includes(`<Sip>${AGENT}</Sip>`)) agent += 1;
    }
    const p = share / 100;
    const sd = Math.sqrt(1000 * p * (1 - p));
    // Four standard deviations: a correct splitter fails this about once in 16,000 runs.
    expect(agent).toBeGreaterThanOrEqual(Math.floor(1000 * p - 4 * sd));
    expect(agent).toBeLessThanOrEqual(Math.ceil(1000 * p + 4 * sd));
    const first = await call(sid(7));
    for (let i = 0; i < 3; i++) expect((await call(sid(7))).text).toBe(first.text);
  });

  it('keeps the share across a restart; the same values again are no second change', async () => {
    const set = (await (await putShare({ share: 25, paused: true })).json()) as { version: number };
    const again = (await (await putShare({ share: 25, paused: true })).json()) as { version: number };
    expect(again.version).toBe(set.version);
    await relay.close();
    relay = await startRelayWithSplitter();
    const read = await fetch(`${relay.url}${SHARE_PATH}`, { headers: { Authorization: `Bearer ${SPLITTER_TOKEN}` } });
    expect(await read.json()).toMatchObject({ share: 25, paused: true, version: set.version });
  });
});

describe('the Twilio adapter with the splitter', () => {
  const AC = `AC${'a'.repeat(32)}`;
  const PN = `PN${'1'.repeat(32)}`;
  let fake: FakePlatform<TwilioNumberState>;
  beforeAll(async () => {
    fake = await startTwilioFake({
      accountSid: AC,
      authToken: 'tok',
      numbers: { [PN]: { phoneNumber: '+14155550101', voiceUrl: 'https://agent.example.com/voice', voiceMethod: 'POST', voiceFallbackUrl: '', voiceApplicationSid: null, trunkSid: null } },
    });
  });
  afterAll(() => fake.close());

  it('points the number at the splitter, sets the share, pauses and resumes, each read back', async () => {
    const routing = RoutingConfigSchema.parse({
      kind: 'twilio',
      baseUrl: fake.url,
      accountSid: AC,
      numbers: [PN],
      agent: { voiceUrl: 'https://agent.example.com/voice', version: 'agent-v2' },
      human: { voiceUrl: 'https://handler.twilio.com/twiml/EH0human' },
      splitter: { relayUrl: relay.url },
    });
    const provider = routingProviderFor(routing, { token: 'tok', splitterToken: SPLITTER_TOKEN }, ['billing']);
    expect(provider.capabilities?.actions).toEqual(expect.arrayContaining(['set_share', 'pause_ramp']));
    expect(provider.capabilities?.intentScoped).toBe(false);

    let state = await provider.applyAction({ action: 'set_share', share: 5, operator: 'ana' }, 'a');
    expect(fake.current(PN).voiceUrl).toBe(`${relay.url}${SPLIT_PATH}`);
    expect(state).toMatchObject({ mode: 'paused', agentShare: 5 });
    state = await provider.applyAction({ action: 'resume', operator: 'ana' }, 'b');
    expect(await provider.getState()).toMatchObject({ mode: 'live', agentShare: 5 });
    state = await provider.applyAction({ action: 'pause_ramp', operator: 'ana' }, 'c');
    expect(await provider.getState()).toMatchObject({ mode: 'paused', agentShare: 5 });
    await provider.applyAction({ action: 'stop_all', operator: 'ana' }, 'd');
    expect(await provider.getState()).toMatchObject({ mode: 'stopped', agentShare: 5 });
    await provider.applyAction({ action: 'resume', operator: 'ana' }, 'e');
    expect(await provider.getState()).toMatchObject({ mode: 'live', agentShare: 5 });
    expect(fake.current(PN).voiceUrl).toBe(`${relay.url}${SPLIT_PATH}`);
  });
});
