import { createHmac } from 'node:crypto';
import { sign as retellSign, verify as retellVerify } from 'retell-sdk';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { parseForm, verifyRetell, verifyTwilio, verifyVapi } from '../../relay/signatures.js';
import { RelayConfigSchema } from '../../relay/config.js';
import { SECRETS, TWILIO_URL, retellCall, twilioRequest, twilioStatus, vapiCompleted, vapiHeaders } from '../support/relay-fixtures.js';

/**
 * The relay's own signature checks agree with the vendors' SDK functions on genuine, tampered,
 * stale and oddly shaped requests: the relay needs no SDK at run time, and these tests are the
 * proof that it verifies exactly what the SDKs verify.
 */

function mutate(text: string, i: number): string {
  const at = i % text.length;
  const c = text.charCodeAt(at);
  return text.slice(0, at) + String.fromCharCode(c === 122 ? 121 : c + 1) + text.slice(at + 1);
}

describe('Retell: verifyRetell agrees with retell-sdk verify', () => {
  it('on genuine, tampered and stale signatures', async () => {
    const bodies = [JSON.stringify({ event: 'call_ended', call: retellCall('r-1') }), '{}', 'ünïcødé body ✓', ''];
    for (const body of bodies) {
      const header = await retellSign(body, SECRETS.retell);
      const now = Date.now();
      const cases: [string, string, string][] = [
        [body, header, SECRETS.retell],
        [mutate(body || 'x', 7), header, SECRETS.retell],
        [body, header, 'another-key'],
        [body, header.replace(/d=./, 'd=0'), SECRETS.retell],
        [body, 'v=1,d=' + 'a'.repeat(64), SECRETS.retell],
        [body, `v=${now - 10 * 60_000},d=${createHmac('sha256', SECRETS.retell).update(body + String(now - 10 * 60_000)).digest('hex')}`, SECRETS.retell],
        [body, 'garbage', SECRETS.retell],
      ];
      for (const [b, h, key] of cases) {
        expect(verifyRetell(b, h, key, Date.now()).ok, `${b.slice(0, 20)} ${h.slice(0, 30)}`).toBe(await retellVerify(b, key, h));
      }
    }
  });

  it('says why: missing is 401, stale and forged are 403', () => {
    expect(verifyRetell('{}', undefined, SECRETS.retell, Date.now())).toMatchObject({ ok: false, status: 401, kind: 'unsigned' });
    expect(verifyRetell('{}', `v=${Date.now() - 400_000},d=${'0'.repeat(64)}`, SECRETS.retell, Date.now())).toMatchObject({ status: 403, kind: 'stale' });
  });
});

describe('Twilio: verifyTwilio agrees with twilio validateRequest', () => {
  const paramsCases: Record<string, string | string[]>[] = [
    twilioStatus('CA0001', 'completed', 4) as unknown as Record<string, string>,
    twilioStatus('CA0002', 'no-answer', 1) as unknown as Record<string, string>,
    { CallSid: 'CA0003', CallStatus: 'busy', Note: 'a b&c=d ü', Empty: '' },
    { CallSid: 'CA0004', CallStatus: 'failed', Multi: ['b', 'a', 'b'] },
  ];
  const urls = [TWILIO_URL, 'https://relay.example.com:443/webhooks/twilio/status', 'https://relay.example.com/webhooks/twilio/status?x=1&y=two'];
  it('on genuine and tampered requests, with and without the default port', () => {
    for (const params of paramsCases) {
      for (const signedUrl of urls) {
        for (const checkedUrl of urls) {
          const sig = twilio.getExpectedTwilioSignature(SECRETS.twilio, signedUrl, params);
          for (const [p, s, token] of [
            [params, sig, SECRETS.twilio],
            [{ ...params, CallStatus: 'completed' }, sig, SECRETS.twilio],
            [params, sig, 'wrong-token'],
            [params, sig.slice(1), SECRETS.twilio],
          ] as const) {
            const mine = verifyTwilio(checkedUrl, p, s, undefined, token).ok;
            expect(mine, `${signedUrl} -> ${checkedUrl}`).toBe(twilio.validateRequest(token, s, checkedUrl, p));
          }
        }
      }
    }
  });

  it('parses the form body as Twilio signed it', () => {
    const { body, headers } = twilioRequest(twilioStatus('CA0009', 'canceled', 2));
    expect(verifyTwilio(TWILIO_URL, parseForm(body), headers['x-twilio-signature'], undefined, SECRETS.twilio).ok).toBe(true);
  });

  it('accepts the SHA-256 signatures the signature-settings header announces', () => {
    const params = { CallSid: 'CA0005', CallStatus: 'completed' };
    const sig = twilio.getExpectedTwilioSignature(SECRETS.twilio, TWILIO_URL, params, 'HMAC_SHA256');
    expect(twilio.validateRequest(SECRETS.twilio, sig, TWILIO_URL, params, 'HMAC_SHA256')).toBe(true);
    expect(verifyTwilio(TWILIO_URL, params, sig, 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256', SECRETS.twilio).ok).toBe(true);
    expect(verifyTwilio(TWILIO_URL, params, sig, undefined, SECRETS.twilio).ok).toBe(false);
  });
});

describe('Vapi: the server credential as configured on Vapi', () => {
  const hmac = RelayConfigSchema.shape.vapi.unwrap().shape.auth.parse({ kind: 'hmac', secretEnv: 'VAPI_SECRET' });
  it('checks the default HMAC plan: hex HMAC-SHA256 of "{timestamp}.{body}" within 5 minutes', () => {
    const body = JSON.stringify(vapiCompleted('v-1'));
    const now = Date.now();
    expect(verifyVapi(body, vapiHeaders(body, now), hmac, SECRETS.vapi, now)).toMatchObject({ ok: true });
    expect(verifyVapi(mutate(body, 40), vapiHeaders(body, now), hmac, SECRETS.vapi, now)).toMatchObject({ ok: false, status: 403 });
    expect(verifyVapi(body, vapiHeaders(body, now - 301_000), hmac, SECRETS.vapi, now)).toMatchObject({ ok: false, kind: 'stale' });
    expect(verifyVapi(body, { 'x-timestamp': String(now) }, hmac, SECRETS.vapi, now)).toMatchObject({ ok: false, status: 401 });
  });

  it('follows the header names, algorithm, encoding and payload format set on Vapi', () => {
    const custom = RelayConfigSchema.shape.vapi.unwrap().shape.auth.parse({
      kind: 'hmac', secretEnv: 'VAPI_SECRET', signatureHeader: 'X-Vapi-Signature', algorithm: 'sha512', encoding: 'base64', payloadFormat: '{body}', signaturePrefix: 'sha512=',
    });
    const body = '{"message":{}}';
    const sig = `sha512=${createHmac('sha512', SECRETS.vapi).update(body).digest('base64')}`;
    expect(verifyVapi(body, { 'x-vapi-signature': sig }, custom, SECRETS.vapi, Date.now()).ok).toBe(true);
    expect(verifyVapi(body, { 'x-vapi-signature': sig.replace('sha512=', '') + 'A' }, custom, SECRETS.vapi, Date.now()).ok).toBe(false);
  });

  it('checks a bearer token or a bare token in a custom header', () => {
    const bearer = RelayConfigSchema.shape.vapi.unwrap().shape.auth.parse({ kind: 'bearer', tokenEnv: 'VAPI_TOKEN' });
    const secretHeader = RelayConfigSchema.shape.vapi.unwrap().shape.auth.parse({ kind: 'bearer', header: 'X-Vapi-Secret', tokenEnv: 'VAPI_TOKEN' });
    expect(verifyVapi('{}', { authorization: 'Bearer tok-1' }, bearer, 'tok-1', 0).ok).toBe(true);
    expect(verifyVapi('{}', { authorization: 'Bearer tok-2' }, bearer, 'tok-1', 0)).toMatchObject({ status: 403 });
    expect(verifyVapi('{}', {}, bearer, 'tok-1', 0)).toMatchObject({ status: 401 });
    expect(verifyVapi('{}', { 'x-vapi-secret': 'tok-1' }, secretHeader, 'tok-1', 0).ok).toBe(true);
    expect(verifyVapi('{}', { 'x-vapi-secret': 'Bearer tok-1' }, secretHeader, 'tok-1', 0).ok).toBe(false);
  });
});
