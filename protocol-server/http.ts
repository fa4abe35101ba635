import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { describeZodError } from '../shared/protocol.js';
import { sameSecret } from './secret.js';

/** Small JSON-over-HTTP helpers shared by the simulator's endpoints. */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Handles the request and returns true, or returns false when the path is not its own. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

const MAX_BODY_BYTES = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function requireBearer(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, 'authorization: a bearer token is required');
  if (!sameSecret(match[1] ?? '', token)) throw new HttpError(401, 'authorization: the bearer token is not valid');
}

export function requireMethod(req: IncomingMessage, allowed: string): void {
  if (req.method !== allowed) throw new HttpError(405, `method: ${req.method ?? '?'} is not allowed here, use ${allowed}`);
}

/**
 * The raw body, refused with 413 past `maxBytes`: at once when Content-Length says so, else as
 * soon as the bytes read pass it, so a huge body is never held whole.
 */
export function readRawBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return Promise.reject(new HttpError(413, `body: larger than ${maxBytes} bytes`));
  // Listeners rather than an async iterator: a webhook is one chunk, and the iterator's set-up
  // cost more than reading it.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error: Error | null): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', done);
      req.off('close', onClose);
      if (error) {
        // As leaving a for-await loop does: the rest of the body is not read.
        req.destroy();
        reject(error);
      } else {
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) done(new HttpError(413, `body: larger than ${maxBytes} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = (): void => done(null);
    const onClose = (): void => done(new Error('body: the connection closed before the body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', done);
    req.on('close', onClose);
  });
}

/** Reads a JSON body and validates it, failing with 400 "<field>: <message>". */
export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  const text = (await readRawBody(req)).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HttpError(400, '(root): body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, describeZodError(parsed.error));
  return parsed.data;
}
