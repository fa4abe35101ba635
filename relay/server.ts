import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server as SocketServer } from 'socket.io';
import { STREAM_NAMESPACE } from '../shared/protocol.js';
import { HttpError, readRawBody, sendJson, type Route } from '../protocol-server/http.js';
import { StreamServer } from '../protocol-server/stream-server.js';
import { MalformedError, type MapContext } from './call-parts.js';
import { PLATFORMS, type Platform, type RelayConfig } from './config.js';
import { Ingest, type Decision } from './ingest.js';
import { Journal } from './journal.js';
import { mapRetell } from './map-retell.js';
import { mapTwilioStatus } from './map-twilio.js';
import { mapVapi } from './map-vapi.js';
import { Metrics } from './metrics.js';
import { RawStore } from './raw-store.js';
import { parseForm, verifyRetell, verifyTwilio, verifyVapi, type Verdict } from './signatures.js';

/**
 * The relay: signed webhooks from Vapi, Retell and Twilio in, stream protocol v1 out, on one
 * HTTP server. Each webhook is checked against its platform's signature before anything else
 * reads it, mapped to a call record, and written durably before it is answered 2xx. More
 * endpoints join as further Routes (e.g. TwiML for calls split between agent and people).
 */

export interface RelaySecrets {
  streamToken: string;
  vapi?: string;
  retell?: string;
  twilio?: string;
  /** The token the console presents to the Twilio splitter. */
  splitter?: string;
}

export interface RelayOptions {
  config: RelayConfig;
  secrets: RelaySecrets;
  payloadKey: Buffer;
  now?: () => number;
  log?: (line: string) => void;
  /** Further endpoints served beside the webhooks, tried in order before the 404. */
  routes?: Route[];
}

export interface RelayHandle {
  url: string;
  port: number;
  metrics: Metrics;
  seq(): number;
  held(): number;
  close(): Promise<void>;
}

const TICK_MS = 250;
const HEARTBEAT_MS = 1000;
const PRUNE_MS = 3_600_000;
const SIGNATURE_WINDOW_MS = 10 * 60_000;
const LOGGED_UNKNOWN_REASONS = 200;

export async function startRelay(options: RelayOptions): Promise<RelayHandle> {
  const { config, secrets } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!secrets.streamToken) throw new Error('stream token: required, so only your consoles read the calls');

  const metrics = declareMetrics();
  let stream: StreamServer | null = null;
  const ingest = new Ingest({
    retellHoldMs: (config.retell?.holdSec ?? 60) * 1000,
    twilioHoldMs: (config.twilio?.holdSec ?? 120) * 1000,
    twilioRoute: (to) => config.twilio?.numbers[to] ?? config.twilio?.route ?? 'agent',
    defaultIntent: config.defaultIntent,
    signatureWindowMs: SIGNATURE_WINDOW_MS,
  });
  const journal = Journal.open(
    { dir: join(config.dataDir, 'journal'), capacity: config.bufferSize, onDurable: () => stream?.flush() },
    (record) => ingest.replay(record),
  );
  ingest.attach(journal);
  if (journal.tornBytes > 0) log(`relay: cut ${journal.tornBytes} bytes of a write torn by a crash off the journal`);
  const raw = new RawStore(join(config.dataDir, 'raw'), options.payloadKey, config.rawRetentionDays);
  raw.prune(now());

  const lastWebhookAt: Partial<Record<Platform, number>> = {};
  const loggedReasons = new Set<string>();
  const configured = PLATFORMS.filter((p) => config[p] !== undefined);
  const failure = (): Error | null => journal.failed ?? raw.failed;

  const routes: Route[] = [
    webhookRoute(),
    async (_req, res, url) => {
      if (url.pathname !== '/healthz') return false;
      const broken = failure();
      sendJson(res, broken ? 503 : 200, broken ? { ok: false, error: `storage: ${broken.message}` } : { ok: true, seq: journal.newestSeq });
      return true;
    },
    async (_req, res, url) => {
      if (url.pathname !== '/metrics') return false;
      metrics.set('relay_stream_seq', {}, journal.newestSeq);
      metrics.set('relay_calls_held', {}, ingest.held);
      for (const p of configured) metrics.set('relay_last_webhook_timestamp_seconds', { platform: p }, (lastWebhookAt[p] ?? 0) / 1000);
      const cpu = process.cpuUsage();
      metrics.set('process_cpu_seconds_total', {}, (cpu.user + cpu.system) / 1e6);
      const text = metrics.text();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    },
    ...(options.routes ?? []),
  ];

  const http = createServer((req, res) => void serve(routes, req, res));
  const io = new SocketServer(http, { serveClient: false, maxHttpBufferSize: 64 * 1024 });
  stream = new StreamServer(io.of(STREAM_NAMESPACE), {
    log: journal,
    token: secrets.streamToken,
    hello: () => ({ launchId: config.launchId, agentVersion: ingest.agentVersion ?? config.agentVersion, serverTime: new Date(now()).toISOString() }),
    now,
    heartbeatExtra: () => ({
      platforms: Object.fromEntries(
        configured.map((p) => [
          p,
          { lastWebhookAt: lastWebhookAt[p] === undefined ? null : new Date(lastWebhookAt[p]).toISOString(), quietAfterSec: config[p]?.quietAfterSec ?? 180 },
        ]),
      ),
    }),
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.listen.port, config.listen.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;

  const timers = [
    setInterval(() => {
      for (const write of ingest.tick(now())) write.catch(() => undefined);
    }, TICK_MS),
    setInterval(() => stream?.heartbeat(), HEARTBEAT_MS),
    setInterval(() => raw.prune(now()), PRUNE_MS),
  ];
  for (const t of timers) t.unref();

  function webhookRoute(): Route {
    const paths: Record<string, Platform> = { '/webhooks/vapi': 'vapi', '/webhooks/retell': 'retell', '/webhooks/twilio/status': 'twilio' };
    return async (req, res, url) => {
      const platform = paths[url.pathname];
      if (!platform) return false;
      if (!config[platform]) throw new HttpError(404, `path: ${platform} is not configured on this relay`);
      if (req.method !== 'POST') throw new HttpError(405, `method: ${req.method ?? '?'} is not allowed here, use POST`);
      const refuse = (status: number, kind: string, reason: string): never => {
        metrics.inc('relay_webhooks_refused_total', { platform, reason: kind });
        log(`relay: refused ${platform} webhook ${status} (${kind}) from ${clientAddress(req)}: ${reason}`);
        throw new HttpError(status, reason);
      };
      let body: string;
      try {
        body = (await readRawBody(req, config.maxBodyBytes)).toString('utf8');
      } catch (e) {
        if (e instanceof HttpError && e.status === 413) refuse(413, 'too_large', e.message);
        throw e;
      }
      const receivedAt = now();
      const verdict = verify(platform, req, url, body, receivedAt);
      if (!verdict.ok) refuse(verdict.status, verdict.kind, verdict.reason);
      else if (ingest.isReplay(verdict.sig, receivedAt)) refuse(403, 'replayed', 'this signature was already used: a replayed request');
      lastWebhookAt[platform] = receivedAt;

      let decision: Decision;
      let unknownReason: string | null = null;
      try {
        const ctx: MapContext = { receivedAt, defaultIntent: config.defaultIntent, intentPath: platform === 'twilio' ? 'intent' : (config[platform]?.intentPath ?? 'intent') };
        const sig = verdict.ok ? verdict.sig : undefined;
        if (platform === 'twilio') {
          decision = ingest.twilio(mapTwilioStatus(parseForm(body), header(req, 'i-twilio-idempotency-token')), receivedAt);
        } else {
          const json = parseJson(body);
          const vapi = platform === 'vapi' ? mapVapi(json, ctx) : null;
          const retell = platform === 'retell' ? mapRetell(json, ctx) : null;
          const result = vapi ?? retell;
          if (!result || result.kind === 'ignored') {
            metrics.inc('relay_webhooks_ignored_total', { platform });
            sendJson(res, 200, { ok: true, outcome: 'ignored', note: `${result?.type ?? platform} carries no ended call` });
            return true;
          }
          unknownReason = result.unknownReason;
          decision =
            retell?.kind === 'call'
              ? ingest.retell(retell.event, retell.deliveryKey, retell.mapped, sig, receivedAt)
              : ingest.vapi(result.deliveryKey, result.mapped, sig, receivedAt);
        }
      } catch (e) {
        if (!(e instanceof MalformedError)) throw e;
        metrics.inc('relay_webhooks_malformed_total', { platform });
        log(`relay: malformed ${platform} webhook from ${clientAddress(req)}: ${e.message}`);
        throw new HttpError(400, e.message);
      }
      const writes = [decision.durable];
      if (decision.outcome !== 'duplicate') {
        writes.push(raw.append({ platform, receivedAt, contentType: header(req, 'content-type') ?? '', body }));
      }
      try {
        await Promise.all(writes);
      } catch (e) {
        log(`relay: storage failed, refusing deliveries until restarted: ${(e as Error).message}`);
        throw new HttpError(503, 'storage: the relay cannot write durably; the platform will retry');
      }
      metrics.inc(`relay_webhooks_${decision.outcome}_total`, { platform });
      if (unknownReason !== null && decision.outcome === 'accepted') {
        metrics.inc('relay_unknown_ended_reasons_total', { platform });
        if (loggedReasons.size < LOGGED_UNKNOWN_REASONS && !loggedReasons.has(unknownReason)) {
          loggedReasons.add(unknownReason);
          log(`relay: ${platform} sent an ended reason the relay does not know, passed on as it is: ${unknownReason}`);
        }
      }
      sendJson(res, 200, { ok: true, outcome: decision.outcome });
      return true;
    };
  }

  function verify(platform: Platform, req: IncomingMessage, url: URL, body: string, at: number): Verdict {
    if (platform === 'retell') return verifyRetell(body, header(req, 'x-retell-signature'), secrets.retell ?? '', at);
    if (platform === 'twilio') {
      if (!/^application\/x-www-form-urlencoded/i.test(header(req, 'content-type') ?? '')) return { ok: false, status: 403, kind: 'bad_signature', reason: 'content-type: Twilio signs form-encoded bodies only' };
      const publicUrl = `${config.publicUrl}${url.pathname}${url.search}`;
      return verifyTwilio(publicUrl, parseForm(body), header(req, 'x-twilio-signature'), header(req, 'x-twilio-webhooks-signature-settings'), secrets.twilio ?? '');
    }
    const auth = config.vapi?.auth;
    if (!auth) return { ok: false, status: 403, kind: 'bad_signature', reason: 'vapi is not configured' };
    return verifyVapi(body, req.headers, auth, secrets.vapi ?? '', at);
  }

  function clientAddress(req: IncomingMessage): string {
    const forwarded = config.behindTlsProxy ? header(req, 'x-forwarded-for')?.split(',')[0]?.trim() : undefined;
    return (forwarded ?? req.socket.remoteAddress ?? '?').slice(0, 64);
  }

  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    metrics,
    seq: () => journal.newestSeq,
    held: () => ingest.held,
    close() {
      closed ??= (async () => {
        for (const t of timers) clearInterval(t);
        const done = io.close();
        http.closeAllConnections();
        await done;
        await journal.close();
        await raw.close();
      })();
      return closed;
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new MalformedError('(root): body is not valid JSON');
  }
}

function declareMetrics(): Metrics {
  const m = new Metrics();
  m.declare('relay_webhooks_accepted_total', 'counter', 'Webhooks accepted and written durably, by platform.');
  m.declare('relay_webhooks_duplicate_total', 'counter', 'Repeated deliveries answered 2xx and counted once, by platform.');
  m.declare('relay_webhooks_merged_total', 'counter', 'Deliveries folded into a call already sent (late analysis, Twilio callbacks of agent calls).');
  m.declare('relay_webhooks_ignored_total', 'counter', 'Signed deliveries of events that end no call (status updates, call_started...).');
  m.declare('relay_webhooks_refused_total', 'counter', 'Deliveries refused before storage, by platform and reason.');
  m.declare('relay_webhooks_malformed_total', 'counter', 'Signed deliveries that do not parse or lack a required field.');
  m.declare('relay_unknown_ended_reasons_total', 'counter', 'Calls whose ended reason the relay does not know (passed on raw).');
  m.declare('relay_stream_seq', 'gauge', 'Newest stream seq written durably.');
  m.declare('relay_calls_held', 'gauge', 'Calls waiting for a second delivery (Retell analysis, agent report of a Twilio call).');
  m.declare('relay_last_webhook_timestamp_seconds', 'gauge', 'Unix time of the last signed delivery, by platform (0: none yet).');
  m.declare('process_cpu_seconds_total', 'counter', 'User and system CPU time the relay process has spent, in seconds.');
  return m;
}

async function serve(routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    for (const route of routes) {
      if (await route(req, res, url)) return;
    }
    throw new HttpError(404, `path: nothing at ${url.pathname}`);
  } catch (e) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = e instanceof HttpError ? e.status : 500;
    const message = e instanceof HttpError ? e.message : 'internal error';
    if (!(e instanceof HttpError)) process.stderr.write(`relay: ${(e as Error).stack ?? String(e)}\n`);
    sendJson(res, status, { error: message }, status === 413 ? { connection: 'close' } : {});
  }
}
