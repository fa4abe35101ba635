import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Vapi } from '@vapi-ai/server-sdk';
import type { PhoneNumberResponse, PhoneNumberUpdateParams } from 'retell-sdk/resources/phone-number';
import type { IncomingPhoneNumberContextUpdateOptions, IncomingPhoneNumberInstance } from 'twilio/lib/rest/api/v2010/account/incomingPhoneNumber';

/**
 * Fakes of the Twilio, Vapi and Retell phone-number APIs on loopback, built from their documented
 * request and response shapes (typed against the vendors' SDKs), refusing what the real ones
 * refuse: wrong credentials, unknown fields, wrong methods, unknown numbers and agents. Like the
 * fault proxy for API v1, each can misbehave on demand:
 *   slow        hold matching requests for `delayMs`, then serve them (late, not lost)
 *   flaky       answer every other matching request 503 without applying it
 *   throttle    answer every other matching request 429 with a Retry-After, without applying it
 *   drop-reply  apply a matching request, then cut the socket before the reply
 *   lag         serve reads from a replica `lagMs` behind the writes
 * Every write is counted: a transition changes where a number's calls go, a no-op write sets
 * what was already set. An action applied twice shows as a transition too many.
 */

export type PlatformFault = 'pass' | 'slow' | 'flaky' | 'throttle' | 'drop-reply' | 'lag';

export interface PlatformFaultOptions {
  /** Reads (GET) or writes (anything else); both by default. */
  on?: 'read' | 'write';
  /** How many matching requests the fault applies to (default: all). */
  times?: number;
  delayMs?: number;
  lagMs?: number;
  /** The Retry-After header of a throttled reply, in seconds as the platforms send it. */
  retryAfter?: string;
}

export interface FakeStats {
  transitions: number;
  noopWrites: number;
  writes: number;
  reads: number;
  refused: Record<string, number>;
}

export interface FakePlatform<S> {
  url: string;
  setFault(mode: PlatformFault, options?: PlatformFaultOptions): void;
  stats: FakeStats;
  /** Where each number's calls go now, as the platform itself would route them. */
  current(id: string): S;
  /** Sets a number's state directly, as someone in the platform's console would. */
  put(id: string, state: S): void;
  settled(): Promise<void>;
  close(): Promise<void>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly body: unknown,
  ) {
    super(kind);
  }
}

interface Versioned<S> {
  history: { at: number; state: S }[];
}

interface PlatformHandler<S> {
  /** Throws a Refusal for what the platform refuses; returns the number's id and, for a write, its next state. */
  route(req: IncomingMessage, url: URL, body: string, read: (id: string) => S): { id: string; next?: S; status?: number };
  render(id: string, state: S): unknown;
  /** The part of the state that decides where calls go: equal keys make a write a no-op. */
  routingKey(state: S): string;
  stamp(state: S, at: number): S;
}

async function startFake<S>(handler: PlatformHandler<S>, initial: Record<string, S>): Promise<FakePlatform<S>> {
  const numbers = new Map<string, Versioned<S>>();
  const t0 = Date.now();
  for (const [id, s] of Object.entries(initial)) numbers.set(id, { history: [{ at: 0, state: handler.stamp(s, t0 - 60_000) }] });
  let mode: PlatformFault = 'pass';
  let opts: PlatformFaultOptions = {};
  let applied = 0;
  let alternate = false;
  let inFlight = 0;
  let idle: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const stats: FakeStats = { transitions: 0, noopWrites: 0, writes: 0, reads: 0, refused: {} };

  const latest = (id: string): S => {
    const n = numbers.get(id);
    if (!n) throw new Refusal(404, 'unknown-number', { message: `The requested resource ${id} was not found`, status: 404 });
    return n.history.at(-1)!.state;
  };
  const asOf = (id: string, at: number): S => {
    const n = numbers.get(id)!;
    let found = n.history[0]!.state;
    for (const h of n.history) if (h.at <= at) found = h.state;
    return found;
  };
  const matches = (isWrite: boolean): boolean => {
    if (mode === 'pass') return false;
    if (opts.on === 'read' && isWrite) return false;
    if (opts.on === 'write' && !isWrite) return false;
    if (applied >= (opts.times ?? Infinity)) return false;
    applied += 1;
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const isWrite = req.method !== 'GET';
    const faulty = matches(isWrite);
    if (faulty && mode === 'slow') await new Promise((r) => setTimeout(r, opts.delayMs ?? 200));
    if (faulty && (mode === 'flaky' || mode === 'throttle')) {
      alternate = !alternate;
      if (alternate) {
        if (mode === 'throttle') return send(res, 429, { message: 'Too Many Requests', status: 429 }, { 'Retry-After': opts.retryAfter ?? '0.02' });
        return send(res, 503, { message: 'Service Unavailable', status: 503 });
      }
    }
    let routed: { id: string; next?: S; status?: number };
    try {
      routed = handler.route(req, url, body, latest);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      stats.refused[e.kind] = (stats.refused[e.kind] ?? 0) + 1;
      return send(res, e.status, e.body);
    }
    const record = numbers.get(routed.id)!;
    let state: S;
    if (routed.next !== undefined) {
      stats.writes += 1;
      const before = latest(routed.id);
      const now = Date.now();
      state = handler.stamp(routed.next, now);
      if (handler.routingKey(state) === handler.routingKey(before)) stats.noopWrites += 1;
      else stats.transitions += 1;
      record.history.push({ at: now, state });
      if (record.history.length > 50) record.history.splice(0, record.history.length - 50);
    } else {
      stats.reads += 1;
      state = faulty && mode === 'lag' ? asOf(routed.id, Date.now() - (opts.lagMs ?? 300)) : latest(routed.id);
    }
    if (faulty && mode === 'drop-reply') {
      req.socket.destroy();
      return;
    }
    send(res, routed.status ?? 200, handler.render(routed.id, state));
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'))
        .catch(() => {
          if (!res.headersSent) send(res, 500, { message: 'internal error' });
        })
        .finally(() => {
          inFlight -= 1;
          if (inFlight === 0) for (const r of idle.splice(0)) r();
        });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setFault(next, options = {}) {
      mode = next;
      opts = options;
      applied = 0;
      alternate = false;
    },
    current: (id) => latest(id),
    put(id, state) {
      numbers.get(id)!.history.push({ at: Date.now(), state: handler.stamp(state, Date.now()) });
    },
    settled: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r))),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      idle = [];
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function bearer(req: IncomingMessage, token: string, refusal: () => Refusal): void {
  if (req.headers.authorization !== `Bearer ${token}`) throw refusal();
}

function json(body: string, refusal: (why: string) => Refusal): Record<string, unknown> {
  try {
    const v = JSON.parse(body) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // falls through to the refusal
  }
  throw refusal('body must be a JSON object');
}

// ---------------------------------------------------------------------------------------------
// Twilio: /2010-04-01/Accounts/{AC}/IncomingPhoneNumbers/{PN}.json, HTTP Basic, form-encoded POST

type TwilioNumberJson = Omit<ConstructorParameters<typeof IncomingPhoneNumberInstance>[1], 'date_created' | 'date_updated'> & {
  date_created: string;
  date_updated: string;
};

export interface TwilioNumberState {
  phoneNumber: string;
  voiceUrl: string;
  voiceMethod: string;
  voiceFallbackUrl: string;
  voiceApplicationSid: string | null;
  trunkSid: string | null;
  updatedAt?: number;
}

/** Every parameter Twilio's update takes, as it is named on the wire. */
const TWILIO_UPDATE_PARAMS = new Set<string>(
  ([
    'accountSid', 'apiVersion', 'friendlyName', 'smsApplicationSid', 'smsFallbackMethod', 'smsFallbackUrl', 'smsMethod', 'smsUrl',
    'statusCallback', 'statusCallbackMethod', 'voiceApplicationSid', 'voiceCallerIdLookup', 'voiceFallbackMethod', 'voiceFallbackUrl',
    'voiceMethod', 'voiceUrl', 'emergencyStatus', 'emergencyAddressSid', 'trunkSid', 'voiceReceiveMode', 'identitySid', 'addressSid', 'bundleSid',
  ] satisfies (keyof IncomingPhoneNumberContextUpdateOptions)[]).map((k) => k[0]!.toUpperCase() + k.slice(1)),
);

export interface TwilioFakeOptions {
  accountSid: string;
  authToken: string;
  apiKey?: { sid: string; secret: string };
  numbers: Record<string, TwilioNumberState>;
}

export function startTwilioFake(options: TwilioFakeOptions): Promise<FakePlatform<TwilioNumberState>> {
  const { accountSid } = options;
  const unauthorized = () =>
    new Refusal(401, 'auth', { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
  const invalid = (message: string) => new Refusal(400, 'invalid', { code: 21502, message, more_info: 'https://www.twilio.com/docs/errors/21502', status: 400 });
  const credentials = new Map([[accountSid, options.authToken]]);
  if (options.apiKey) credentials.set(options.apiKey.sid, options.apiKey.secret);
  return startFake<TwilioNumberState>(
    {
      route(req, url, body, read) {
        const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
        if (!user || credentials.get(user) !== pass) throw unauthorized();
        const m = /^\/2010-04-01\/Accounts\/(AC\w+)\/IncomingPhoneNumbers\/(PN\w+)\.json$/.exec(url.pathname);
        if (!m || m[1] !== accountSid) throw new Refusal(404, 'path', { code: 20404, message: `The requested resource ${url.pathname} was not found`, status: 404 });
        const sid = m[2]!;
        const current = read(sid);
        if (req.method === 'GET') return { id: sid };
        if (req.method !== 'POST') throw new Refusal(405, 'method', { code: 20004, message: 'Method not allowed', status: 405 });
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw invalid('The request must be form-encoded');
        const next = { ...current };
        for (const [name, value] of new URLSearchParams(body)) {
          if (!TWILIO_UPDATE_PARAMS.has(name)) throw new Refusal(400, 'unknown-field', { code: 20001, message: `Unknown parameter ${name}`, status: 400 });
          if (name === 'VoiceUrl' || name === 'VoiceFallbackUrl') {
            if (value !== '' && !/^https?:\/\//.test(value)) throw invalid(`${name} is not a valid URL: ${value}`);
            next[name === 'VoiceUrl' ? 'voiceUrl' : 'voiceFallbackUrl'] = value;
          } else if (name === 'VoiceMethod') {
            if (value !== 'GET' && value !== 'POST') throw invalid(`VoiceMethod must be GET or POST`);
            next.voiceMethod = value;
          } else {
            throw invalid(`the fake does not model ${name}`);
          }
        }
        return { id: sid, next };
      },
      render(sid, s): TwilioNumberJson {
        const date = new Date(s.updatedAt ?? 0).toUTCString().replace('GMT', '+0000');
        return {
          account_sid: accountSid,
          address_sid: '',
          address_requirements: 'none',
          api_version: '2010-04-01',
          beta: false,
          capabilities: { voice: true, sms: true, mms: false, fax: false },
          date_created: date,
          date_updated: date,
          friendly_name: s.phoneNumber,
          identity_sid: '',
          phone_number: s.phoneNumber,
          origin: 'twilio',
          sid,
          sms_application_sid: '',
          sms_fallback_method: 'POST',
          sms_fallback_url: '',
          sms_method: 'POST',
          sms_url: '',
          status_callback: '',
          status_callback_method: 'POST',
          trunk_sid: s.trunkSid as string,
          uri: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${sid}.json`,
          voice_receive_mode: 'voice',
          voice_application_sid: s.voiceApplicationSid as string,
          voice_caller_id_lookup: false,
          voice_fallback_method: 'POST',
          voice_fallback_url: s.voiceFallbackUrl,
          voice_method: s.voiceMethod,
          voice_url: s.voiceUrl,
          emergency_status: 'Inactive',
          emergency_address_sid: '',
          emergency_address_status: 'unregistered',
          bundle_sid: '',
          status: 'in-use',
          type: 'local',
        };
      },
      // A trunk or a TwiML app takes the calls whatever VoiceUrl says.
      routingKey: (s) => (s.trunkSid ? `trunk:${s.trunkSid}` : s.voiceApplicationSid ? `app:${s.voiceApplicationSid}` : `${s.voiceMethod} ${s.voiceUrl} ${s.voiceFallbackUrl}`),
      stamp: (s, at) => ({ ...s, updatedAt: Math.floor(at / 1000) * 1000 }),
    },
    options.numbers,
  );
}

// ---------------------------------------------------------------------------------------------
// Vapi: PATCH and GET /phone-number/{id}, bearer private key, JSON

export interface VapiNumberState {
  number: string;
  assistantId?: string;
  squadId?: string;
  workflowId?: string;
  fallbackDestination?: { type: 'number'; number: string; extension?: string };
  updatedAt?: number;
}

const VAPI_PATCH_FIELDS = new Set<string>([
  'fallbackDestination', 'hooks', 'name', 'assistantId', 'workflowId', 'squadId', 'server', 'sipUri', 'authentication',
] satisfies (keyof Vapi.UpdateVapiPhoneNumberDto)[]);
/** What Vapi detaches when it is sent null. */
const VAPI_NULLABLE = new Set(['assistantId', 'squadId', 'workflowId', 'fallbackDestination']);

export interface VapiFakeOptions {
  privateKey: string;
  assistants: string[];
  numbers: Record<string, VapiNumberState>;
}

export function startVapiFake(options: VapiFakeOptions): Promise<FakePlatform<VapiNumberState>> {
  const bad = (message: string) => new Refusal(400, 'invalid', { message: [message], error: 'Bad Request', statusCode: 400 });
  return startFake<VapiNumberState>(
    {
      route(req, url, body, read) {
        bearer(req, options.privateKey, () => new Refusal(401, 'auth', { message: 'Invalid Key. Hot tip, make sure you are using the private key.', error: 'Unauthorized', statusCode: 401 }));
        const m = /^\/phone-number\/([\w-]+)$/.exec(url.pathname);
        if (!m) throw new Refusal(404, 'path', { message: `Cannot ${req.method} ${url.pathname}`, error: 'Not Found', statusCode: 404 });
        const id = m[1]!;
        const current = read(id);
        if (req.method === 'GET') return { id };
        if (req.method !== 'PATCH') throw new Refusal(405, 'method', { message: `Cannot ${req.method} ${url.pathname}`, error: 'Method Not Allowed', statusCode: 405 });
        const patch = json(body, bad);
        const next: VapiNumberState = { ...current };
        for (const [key, value] of Object.entries(patch)) {
          if (!VAPI_PATCH_FIELDS.has(key)) throw new Refusal(400, 'unknown-field', { message: [`property ${key} should not exist`], error: 'Bad Request', statusCode: 400 });
          if (value === null) {
            if (!VAPI_NULLABLE.has(key)) throw bad(`${key} must not be null`);
            delete next[key as 'assistantId'];
          } else if (key === 'assistantId') {
            if (typeof value !== 'string' || !options.assistants.includes(value)) throw bad('Couldn\'t Find Assistant');
            next.assistantId = value;
          } else if (key === 'fallbackDestination') {
            const d = value as { type?: unknown; number?: unknown; extension?: unknown };
            if (d.type !== 'number' || typeof d.number !== 'string' || !/^\+\d{7,15}$/.test(d.number)) throw bad('fallbackDestination.number must be a valid phone number in the E.164 format');
            next.fallbackDestination = { type: 'number', number: d.number, ...(typeof d.extension === 'string' ? { extension: d.extension } : {}) };
          } else {
            throw bad(`the fake does not model ${key}`);
          }
        }
        return { id, next };
      },
      render(id, s): Vapi.VapiPhoneNumber & { provider: 'vapi' } {
        return {
          provider: 'vapi',
          id,
          orgId: 'org-fake',
          createdAt: new Date(0).toISOString(),
          updatedAt: new Date(s.updatedAt ?? 0).toISOString(),
          status: 'active',
          number: s.number,
          ...(s.assistantId ? { assistantId: s.assistantId } : {}),
          ...(s.squadId ? { squadId: s.squadId } : {}),
          ...(s.workflowId ? { workflowId: s.workflowId } : {}),
          ...(s.fallbackDestination ? { fallbackDestination: s.fallbackDestination } : {}),
        };
      },
      routingKey: (s) => JSON.stringify([s.assistantId ?? null, s.squadId ?? null, s.workflowId ?? null, s.fallbackDestination ?? null]),
      stamp: (s, at) => ({ ...s, updatedAt: at }),
    },
    options.numbers,
  );
}

// ---------------------------------------------------------------------------------------------
// Retell: PATCH /update-phone-number/{number}, GET /get-phone-number/{number}, bearer API key

export interface RetellNumberState {
  inboundAgents: { agent_id: string; agent_version?: number | string; weight: number }[];
  updatedAt?: number;
}

const RETELL_UPDATE_FIELDS = new Set<string>([
  'allowed_inbound_country_list', 'allowed_outbound_country_list', 'auth_password', 'auth_username', 'fallback_number', 'inbound_agents',
  'inbound_sms_agents', 'inbound_sms_webhook_url', 'inbound_webhook_url', 'nickname', 'outbound_agents', 'outbound_sms_agents',
  'termination_uri', 'transport',
] satisfies (keyof PhoneNumberUpdateParams)[]);

export interface RetellFakeOptions {
  apiKey: string;
  /** Each agent and the versions it has. */
  agents: Record<string, number[]>;
  numbers: Record<string, RetellNumberState>;
}

export function startRetellFake(options: RetellFakeOptions): Promise<FakePlatform<RetellNumberState>> {
  const bad = (message: string) => new Refusal(400, 'invalid', { error_message: message });
  return startFake<RetellNumberState>(
    {
      route(req, url, body, read) {
        bearer(req, options.apiKey, () => new Refusal(401, 'auth', { error_message: 'Unauthorized: API key is invalid' }));
        const get = /^\/get-phone-number\/(\+\d+)$/.exec(decodeURIComponent(url.pathname));
        const update = /^\/update-phone-number\/(\+\d+)$/.exec(decodeURIComponent(url.pathname));
        const m = get ?? update;
        if (!m) throw new Refusal(404, 'path', { error_message: 'Not Found' });
        const number = m[1]!;
        const current = read(number);
        if ((get && req.method !== 'GET') || (update && req.method !== 'PATCH')) throw new Refusal(405, 'method', { error_message: 'Method Not Allowed' });
        if (get) return { id: number };
        const patch = json(body, bad);
        const next = { ...current };
        for (const [key, value] of Object.entries(patch)) {
          if (!RETELL_UPDATE_FIELDS.has(key)) throw new Refusal(400, 'unknown-field', { error_message: `Unknown field: ${key}` });
          if (key !== 'inbound_agents') throw bad(`the fake does not model ${key}`);
          if (!Array.isArray(value) || value.length === 0) throw bad('inbound_agents must be a non-empty list');
          const agents = value as RetellNumberState['inboundAgents'];
          for (const a of agents) {
            const versions = options.agents[a.agent_id];
            if (!versions) throw new Refusal(404, 'unknown-agent', { error_message: `Agent ${a.agent_id} not found` });
            if (a.agent_version !== undefined && !versions.includes(Number(a.agent_version))) throw new Refusal(404, 'unknown-agent', { error_message: `Agent version ${a.agent_version} not found` });
            if (typeof a.weight !== 'number' || a.weight < 0 || a.weight > 1) throw bad('weight must be between 0 and 1');
          }
          if (Math.abs(agents.reduce((s, a) => s + a.weight, 0) - 1) > 1e-9) throw bad('Total weights must add up to 1');
          next.inboundAgents = agents.map((a) => ({ ...a }));
        }
        return { id: number, next };
      },
      render(number, s): PhoneNumberResponse {
        return {
          phone_number: number,
          phone_number_type: 'retell-twilio',
          phone_number_pretty: number,
          last_modification_timestamp: s.updatedAt ?? 0,
          inbound_agents: s.inboundAgents,
        };
      },
      routingKey: (s) => JSON.stringify(s.inboundAgents.map((a) => [a.agent_id, String(a.agent_version ?? ''), a.weight])),
      stamp: (s, at) => ({ ...s, updatedAt: at }),
    },
    options.numbers,
  );
}
