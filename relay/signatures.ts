import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RelayConfig } from './config.js';

/**
 * Each platform's webhook signature, checked against the raw body before anything else reads
 * it. These follow the vendors' SDKs (retell-sdk `verify`, twilio `validateRequest`); the tests
 * check them against those functions. A missing credential is 401; a wrong, stale or replayed
 * one is 403.
 */

export type RefusalKind = 'unsigned' | 'bad_signature' | 'stale';
export type Verdict = { ok: true; sig: string | undefined } | { ok: false; status: 401 | 403; kind: RefusalKind; reason: string };

const FIVE_MINUTES_MS = 5 * 60_000;

const refuse = (status: 401 | 403, reason: string, kind: RefusalKind = status === 401 ? 'unsigned' : 'bad_signature'): Verdict => ({ ok: false, status, kind, reason });

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `x-retell-signature: v=<ms>,d=<hex HMAC-SHA256(api key, body + ms)>`, within 5 minutes of now. */
export function verifyRetell(body: string, header: string | undefined, apiKey: string, now: number): Verdict {
  if (!header) return refuse(401, 'no x-retell-signature header');
  const match = /^v=(\d+),d=([0-9a-f]{64})$/i.exec(header);
  if (!match) return refuse(403, 'x-retell-signature is not v=<ms>,d=<hex>');
  const stamp = Number(match[1]);
  if (!Number.isSafeInteger(stamp) || Math.abs(now - stamp) > FIVE_MINUTES_MS) {
    return refuse(403, `x-retell-signature is stale: signed ${Math.round((now - stamp) / 1000)} s from now, 300 s allowed`, 'stale');
  }
  const expected = createHmac('sha256', apiKey).update(body + match[1]).digest();
  if (!sameBytes(Buffer.from(match[2] ?? '', 'hex'), expected)) return refuse(403, 'x-retell-signature does not match the body');
  return { ok: true, sig: header };
}

export type FormParams = Record<string, string | string[]>;

/**
 * `X-Twilio-Signature`: base64 HMAC of the URL Twilio called followed by each parameter's name
 * and value, sorted by name. SHA-1 with the auth token, or SHA-256 when the
 * X-Twilio-Webhooks-Signature-Settings header says so. As the SDK does, the URL is tried as
 * configured, with and without its default port.
 */
export function verifyTwilio(url: string, params: FormParams, header: string | undefined, settings: string | undefined, authToken: string): Verdict {
  if (!header) return refuse(401, 'no X-Twilio-Signature header');
  const algorithm = /(?:^|,)\s*algorithm=([^,\s]+)/.exec(settings ?? '')?.[1]?.toUpperCase() ?? 'HMAC_SHA1';
  const hash = algorithm === 'HMAC_SHA1' ? 'sha1' : algorithm === 'HMAC_SHA256' ? 'sha256' : null;
  if (!hash) return refuse(403, `X-Twilio-Webhooks-Signature-Settings names an unknown algorithm ${algorithm}`);
  const given = Buffer.from(header);
  const data = Object.keys(params)
    .sort()
    .map((name) => {
      const value = params[name] ?? '';
      return Array.isArray(value) ? [...new Set(value)].sort().map((v) => name + v).join('') : name + value;
    })
    .join('');
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(createHmac(hash, authToken).update(Buffer.from(candidate + data, 'utf8')).digest('base64'));
    if (sameBytes(given, expected)) return { ok: true, sig: undefined };
  }
  return refuse(403, 'X-Twilio-Signature does not match the URL and parameters');
}

function urlVariants(url: string): string[] {
  const m = /^(https?:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme = '', authority = '', rest = ''] = m;
  const host = authority.replace(/:\d+$/, '');
  const port = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return [...new Set([url, scheme + host + rest, scheme + host + port + rest])];
}

/** Parses an application/x-www-form-urlencoded body, a repeated name giving a list. */
export function parseForm(body: string): FormParams {
  const out: FormParams = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const prior = out[name];
    if (prior === undefined) out[name] = value;
    else out[name] = Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return out;
}

type VapiAuth = NonNullable<RelayConfig['vapi']>['auth'];

/** The server credential the team set on Vapi: a bearer token or an HMAC over timestamp and body. */
export function verifyVapi(
  body: string,
  headers: Record<string, string | string[] | undefined>,
  auth: VapiAuth,
  secret: string,
  now: number,
): Verdict {
  const header = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  if (auth.kind === 'bearer') {
    const raw = header(auth.header);
    if (!raw) return refuse(401, `no ${auth.header} header`);
    const token = auth.header === 'authorization' ? /^Bearer\s+(\S+)\s*$/i.exec(raw)?.[1] : raw.trim();
    if (token === undefined) return refuse(401, 'authorization is not "Bearer <token>"');
    if (!sameBytes(Buffer.from(token), Buffer.from(secret))) return refuse(403, `${auth.header} does not hold the configured credential`);
    return { ok: true, sig: undefined };
  }
  const signature = header(auth.signatureHeader);
  if (!signature) return refuse(401, `no ${auth.signatureHeader} header`);
  const needsTimestamp = auth.payloadFormat.includes('{timestamp}');
  const timestamp = header(auth.timestampHeader);
  if (needsTimestamp) {
    if (!timestamp) return refuse(401, `no ${auth.timestampHeader} header`);
    // Vapi stamps in milliseconds; a value under 10^11 can only be seconds.
    const ms = Number(timestamp) < 1e11 ? Number(timestamp) * 1000 : Number(timestamp);
    if (!Number.isFinite(ms) || Math.abs(now - ms) > auth.toleranceSec * 1000) {
      return refuse(403, `${auth.timestampHeader} is stale or not a time: ${timestamp.slice(0, 40)}`, 'stale');
    }
  }
  const payload = auth.payloadFormat.replaceAll('{timestamp}', timestamp ?? '').replaceAll('{body}', body);
  const expected = Buffer.from(createHmac(auth.algorithm, secret).update(payload, 'utf8').digest(auth.encoding));
  const bare = signature.startsWith(auth.signaturePrefix) ? signature.slice(auth.signaturePrefix.length) : signature;
  const given = auth.encoding === 'hex' ? bare.toLowerCase() : bare;
  if (!sameBytes(Buffer.from(given), expected)) return refuse(403, `${auth.signatureHeader} does not match the body`);
  return { ok: true, sig: needsTimestamp ? `${timestamp}:${given}` : undefined };
}
