import { z } from 'zod';
import type { ProviderCapabilities } from '../../../shared/actions.js';
import {
  describeZodError,
  RoutingActionNameSchema,
  RoutingStateSchema,
  type RoutingActionName,
  type RoutingActionRequest,
  type RoutingState,
} from '../../../shared/protocol.js';
import { redact } from '../audit/redact.js';

/** Routing provider API v1 as the console uses it. */
export interface RoutingProvider {
  getState(signal?: AbortSignal): Promise<RoutingState>;
  applyAction(req: RoutingActionRequest, idempotencyKey: string, signal?: AbortSignal): Promise<RoutingState>;
  /**
   * What this provider can do. An adapter to a platform that cannot do everything API v1 can
   * declares it, so nothing it cannot do is offered; left out, the provider speaks API v1 in full.
   */
  readonly capabilities?: ProviderCapabilities;
  /** The steps to do by hand on the provider's own console, for a launch whose configuration names none. */
  manualSteps?(action: RoutingActionName): string[];
  /** Where a call's recording can be fetched now, with the provider's credentials: a platform's signed links expire. */
  recordingSource?(call: RecordingCall, signal?: AbortSignal): Promise<RecordingSource | null>;
}

export interface RecordingCall {
  id: string;
  recordingUrl?: string | undefined;
}

export interface RecordingSource {
  url: string;
  headers: Record<string, string>;
}

/** Routing provider API v1 offers every action, each intent-scoped one by intent. */
export const API_V1_CAPABILITIES: ProviderCapabilities = {
  actions: [...RoutingActionNameSchema.options],
  intentScoped: true,
  name: 'the routing provider (API v1)',
};

export function capabilitiesOf(provider: RoutingProvider): ProviderCapabilities {
  return provider.capabilities ?? API_V1_CAPABILITIES;
}

export type RoutingErrorKind = 'refused' | 'network' | 'timeout' | 'aborted' | 'http' | 'bad_reply';

export class RoutingProviderError extends Error {
  override readonly name = 'RoutingProviderError';

  constructor(
    message: string,
    readonly kind: RoutingErrorKind,
    /** Worth another attempt with the same idempotency key. */
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HttpRoutingProviderOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
}

const ErrorBodySchema = z.looseObject({ error: z.string() });

export class HttpRoutingProvider implements RoutingProvider {
  readonly capabilities = API_V1_CAPABILITIES;
  private readonly base: string;
  private readonly where: string;

  constructor(private readonly options: HttpRoutingProviderOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new Error(`routing baseUrl is not a URL: ${redact(options.baseUrl, [options.token])}`);
    }
    // Credentials in the URL would otherwise travel into every error message.
    url.username = '';
    url.password = '';
    this.base = url.href.replace(/\/+$/, '');
    this.where = redact(this.base, [options.token]);
  }

  getState(signal?: AbortSignal): Promise<RoutingState> {
    return this.request('GET /routing', '/routing', 'GET', {}, undefined, signal);
  }

  applyAction(req: RoutingActionRequest, idempotencyKey: string, signal?: AbortSignal): Promise<RoutingState> {
    return this.request(
      `POST /routing/actions (${req.action})`,
      '/routing/actions',
      'POST',
      { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      JSON.stringify(req),
      signal,
    );
  }

  private async request(
    what: string,
    path: string,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    body: string | undefined,
    signal?: AbortSignal,
  ): Promise<RoutingState> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...headers, Authorization: `Bearer ${this.options.token}` },
        body,
        signal: combined,
      });
      const text = await res.text();
      if (!res.ok) throw this.httpError(what, res.status, text);
      return this.parseState(what, text);
    } catch (e) {
      if (e instanceof RoutingProviderError) throw e;
      throw this.transportError(what, e, signal, timeout);
    }
  }

  private parseState(what: string, text: string): RoutingState {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw this.error(`${what}: the routing provider's reply is not JSON`, 'bad_reply', false);
    }
    const parsed = RoutingStateSchema.safeParse(raw);
    if (!parsed.success) {
      throw this.error(`${what}: bad reply from the routing provider: ${describeZodError(parsed.error)}`, 'bad_reply', false);
    }
    return parsed.data;
  }

  private httpError(what: string, status: number, text: string): RoutingProviderError {
    const body = ErrorBodySchema.safeParse(safeJson(text));
    const detail = body.success ? `: ${body.data.error.slice(0, 300)}` : '';
    if (status === 401 || status === 403) {
      return this.error(`${what}: the routing provider refused the credentials (${status})`, 'http', false, status);
    }
    if (status === 422) {
      return this.error(
        `${what}: the idempotency key was already used with a different request (422)${detail}`,
        'http',
        false,
        status,
      );
    }
    // 408 and 429 say "try again later", unlike the other 4xx which would fail the same way again.
    const retryable = status >= 500 || status === 408 || status === 429;
    const label = status >= 500 ? 'the routing provider failed' : 'the routing provider rejected the request';
    return this.error(`${what}: ${label} (${status})${detail}`, 'http', retryable, status);
  }

  private transportError(what: string, e: unknown, signal: AbortSignal | undefined, timeout: AbortSignal): RoutingProviderError {
    if (timeout.aborted) {
      return this.error(`${what}: no reply from ${this.where} within ${this.options.timeoutMs} ms`, 'timeout', true);
    }
    if (signal?.aborted) {
      // A caller's own AbortSignal.timeout is a timeout like ours; any other abort is a cancel.
      if (isTimeoutReason(signal.reason)) {
        return this.error(`${what}: no reply from ${this.where} before the request timed out`, 'timeout', true);
      }
      return this.error(`${what}: cancelled`, 'aborted', false);
    }
    const code = causeCode(e);
    if (code === 'ECONNREFUSED') {
      return this.error(`${what}: ${this.where} refused the connection (ECONNREFUSED)`, 'refused', true);
    }
    const why = code ?? (e instanceof Error ? e.message : String(e));
    return this.error(`${what}: the connection to ${this.where} failed before a reply (${why})`, 'network', true);
  }

  private error(message: string, kind: RoutingErrorKind, retryable: boolean, status?: number): RoutingProviderError {
    return new RoutingProviderError(redact(message, [this.options.token]), kind, retryable, status);
  }
}

function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** undici wraps the socket error: fetch failed -> cause {code} (sometimes one level deeper). */
function causeCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
