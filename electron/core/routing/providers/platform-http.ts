import { setTimeout as delay } from 'node:timers/promises';
import { redact } from '../../audit/redact.js';
import { RoutingProviderError } from '../provider.js';

/**
 * HTTP to a voice platform's API for the routing adapters: one request under the executor's
 * signal and the adapter's own timeout, rate limits waited out within the action's deadline
 * (the platform's Retry-After honoured), every failure a RoutingProviderError whose text names
 * the platform and never a secret.
 */

export interface PlatformReply {
  status: number;
  body: unknown;
}

export interface PlatformHttpOptions {
  /** The platform in the operator's words: "Twilio". */
  platform: string;
  timeoutMs: number;
  /** Waiting out a rate limit stops short of this much time after the request began. */
  deadlineMs: number;
  /** Every secret the requests carry, redacted from every message. */
  secrets: string[];
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface PlatformRequest {
  /** What the operator reads in an error: "GET IncomingPhoneNumbers/PN…". */
  what: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A rate limit that gives no Retry-After is waited out for this long before the next try. */
const DEFAULT_THROTTLE_WAIT_MS = 500;

export class PlatformHttp {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: PlatformHttpOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  }

  /** The reply of a 2xx; anything else thrown, retryable when another try may succeed. */
  async send(req: PlatformRequest, signal?: AbortSignal): Promise<PlatformReply> {
    const until = this.now() + this.options.deadlineMs;
    for (;;) {
      const reply = await this.once(req, signal);
      if (reply.status >= 200 && reply.status < 300) return { status: reply.status, body: reply.body };
      const throttled = reply.status === 429 || (reply.status === 503 && reply.retryAfterMs !== null);
      if (!throttled) throw this.httpError(req.what, reply.status, reply.body);
      const wait = reply.retryAfterMs ?? DEFAULT_THROTTLE_WAIT_MS;
      if (this.now() + wait >= until) {
        throw this.error(
          `${req.what}: ${this.options.platform} is rate limiting (${reply.status}) and asks for ${Math.ceil(wait / 1000)} s, past the action's deadline`,
          'http',
          false,
          reply.status,
        );
      }
      try {
        await this.sleep(wait, signal ?? new AbortController().signal);
      } catch {
        if (signal?.aborted && !isTimeout(signal.reason)) throw this.error(`${req.what}: cancelled`, 'aborted', false);
        throw this.error(`${req.what}: ${this.options.platform}'s rate limit outlasted the request's time`, 'timeout', true);
      }
    }
  }

  private async once(req: PlatformRequest, signal?: AbortSignal): Promise<{ status: number; body: unknown; retryAfterMs: number | null }> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: combined });
      const text = await res.text();
      return { status: res.status, body: parseJson(text), retryAfterMs: retryAfterMs(res.headers.get('retry-after'), this.now()) };
    } catch (e) {
      throw this.transportError(req, e, signal, timeout);
    }
  }

  private httpError(what: string, status: number, body: unknown): RoutingProviderError {
    const detail = platformMessage(body);
    const suffix = detail ? `: ${detail.slice(0, 300)}` : '';
    if (status === 401 || status === 403) {
      return this.error(`${what}: ${this.options.platform} refused the credentials (${status})${suffix}`, 'http', false, status);
    }
    const retryable = status >= 500 || status === 408;
    const label = status >= 500 ? `${this.options.platform} failed` : `${this.options.platform} rejected the request`;
    return this.error(`${what}: ${label} (${status})${suffix}`, 'http', retryable, status);
  }

  private transportError(req: PlatformRequest, e: unknown, signal: AbortSignal | undefined, timeout: AbortSignal): RoutingProviderError {
    const where = new URL(req.url).host;
    if (timeout.aborted || (signal?.aborted && isTimeout(signal.reason))) {
      return this.error(`${req.what}: no reply from ${where} in time`, 'timeout', true);
    }
    if (signal?.aborted) return this.error(`${req.what}: cancelled`, 'aborted', false);
    const code = causeCode(e);
    if (code === 'ECONNREFUSED') return this.error(`${req.what}: ${where} refused the connection (ECONNREFUSED)`, 'refused', true);
    const why = code ?? (e instanceof Error ? e.message : String(e));
    return this.error(`${req.what}: the connection to ${where} failed before a reply (${why})`, 'network', true);
  }

  error(message: string, kind: RoutingProviderError['kind'], retryable: boolean, status?: number): RoutingProviderError {
    return new RoutingProviderError(redact(message, this.options.secrets), kind, retryable, status);
  }
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Twilio says `message`, Vapi `message` (sometimes a list), Retell `error_message`. */
function platformMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  for (const key of ['message', 'error_message', 'error']) {
    const v = b[key];
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join('; ');
  }
  return null;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

function causeCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
