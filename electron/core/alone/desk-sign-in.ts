import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What a desk keeps after signing in: where the team server is, and the session cookie to send it. */
export interface DeskSession {
  /** The server's origin (scheme, host and port), as the sign-in link names it. */
  serverUrl: string;
  /** `name=value`, as a browser sends it back. */
  cookie: string;
  /** When the cookie says it ends, epoch ms; null when it does not say. */
  expiresAt: number | null;
}

export interface DeskSignInOptions {
  /** A certificate authority to trust for a team server with its own certificate (PEM). */
  ca?: string | Buffer;
  timeoutMs?: number;
  now?: () => number;
}

export class DeskSignInError extends Error {
  override readonly name = 'DeskSignInError';
}

interface Reply {
  status: number;
  setCookie: string[];
  body: string;
}

function send(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body: string | undefined, options: DeskSignInOptions): Promise<Reply> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers, timeout: options.timeoutMs ?? 10_000, ...(options.ca !== undefined ? { ca: options.ca } : {}) },
      (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (text.length < 64 * 1024) text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [], body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The sign-in page's own words, without its markup, for the operator. */
function pageText(body: string): string {
  const p = /<p>([\s\S]*?)<\/p>/.exec(body)?.[1] ?? body;
  return p
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .trim()
    .slice(0, 300);
}

/**
 * Does with a sign-in link what the operator's browser does: opens it (which spends nothing),
 * posts its one-time code from the server's own origin, and keeps the session cookie the server
 * sets. The desktop shell keeps the cookie encrypted (safeStorage) and the link is spent.
 */
export async function signInWithLink(link: string, options: DeskSignInOptions = {}): Promise<DeskSession> {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new DeskSignInError('the sign-in link is not an address: paste the whole link the admin sent');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DeskSignInError(`the sign-in link must start with https:// (or http:// on this machine), not ${url.protocol}`);
  const code = url.searchParams.get('code') ?? '';
  if (url.pathname !== '/signin' || code === '') throw new DeskSignInError('this address has no sign-in code: paste the whole link the admin sent (…/signin?code=…)');
  const where = url.origin;
  let page: Reply;
  try {
    page = await send(url, 'GET', { Accept: 'text/html' }, undefined, options);
  } catch (e) {
    throw new DeskSignInError(`cannot reach the team server at ${where}: ${(e as Error).message}`);
  }
  if (page.status !== 200) throw new DeskSignInError(`the team server at ${where} did not offer the sign-in (${page.status}): ${pageText(page.body)}`);
  const form = new URLSearchParams({ code }).toString();
  let posted: Reply;
  try {
    posted = await send(
      new URL('/signin', where),
      'POST',
      { Origin: where, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(form)) },
      form,
      options,
    );
  } catch (e) {
    throw new DeskSignInError(`cannot reach the team server at ${where}: ${(e as Error).message}`);
  }
  const set = posted.setCookie[0];
  if (posted.status !== 303 || !set) throw new DeskSignInError(`the team server at ${where} refused the sign-in (${posted.status}): ${pageText(posted.body)}`);
  const [pair = '', ...attributes] = set.split(';');
  const maxAge = attributes.map((a) => /^\s*max-age=(\d+)\s*$/i.exec(a)?.[1]).find((v) => v !== undefined);
  const now = options.now ?? Date.now;
  return { serverUrl: where, cookie: pair.trim(), expiresAt: maxAge === undefined ? null : now() + Number(maxAge) * 1000 };
}
