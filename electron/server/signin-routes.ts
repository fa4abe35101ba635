import type { IncomingMessage, ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../host-common/security-headers.js';
import type { LocalAddress } from '../web/local-address.js';
import { DirectoryError, type SignedIn, type TeamDirectory } from '../core/team/team-directory.js';
import { clearedCookie, readCookie, sessionCookie } from './cookies.js';

/** The sign-in page is the server's own small form, not the console's page: it may post to itself and nothing else. */
const PAGE_HEADERS = {
  ...SECURITY_HEADERS,
  // With no referrer at all Chromium posts the form with Origin: null, which this server refuses as another site's.
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
};

const BODY_LIMIT = 4096;

export interface SignInDeps {
  directory: TeamDirectory;
  address: LocalAddress;
  cookie: { name: string; secure: boolean };
  signedIn(who: SignedIn): Promise<void>;
  signedOut(name: string): Promise<void>;
  refused(req: IncomingMessage, why: string): void;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, PAGE_HEADERS).end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Launch Console</title>` +
      '<style>body{font:16px system-ui,sans-serif;background:#0f1419;color:#e6e6e6;display:grid;place-items:center;min-height:90vh}' +
      'main{max-width:32rem}button{font:inherit;padding:.6rem 1.4rem;border-radius:6px;border:0;background:#2f81f7;color:#fff;cursor:pointer}</style>' +
      `</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
  );
}

/** A state-changing request must come from the console's own page: its Origin, and where the browser says so, same-origin. */
function fromOwnPage(req: IncomingMessage, address: LocalAddress): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  return typeof origin === 'string' && address.isOwnOrigin(origin);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return null;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * GET /signin shows a button and spends nothing, so a chat app previewing the link does not use
 * it up; the operator's POST from that page spends the one-time code for a session cookie.
 * POST /signout ends the session. Returns false for any other path.
 */
export async function handleSignIn(req: IncomingMessage, res: ServerResponse, deps: SignInDeps): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://console');
  if (url.pathname === '/signin' && req.method === 'GET') {
    const code = url.searchParams.get('code') ?? '';
    if (!code) {
      page(res, 400, 'Sign-in link incomplete', '<p>This address has no sign-in code. Open the whole link an admin sent you.</p>');
      return true;
    }
    page(
      res,
      200,
      'Sign in to Launch Console',
      `<p>This link signs you in once, on this browser.</p><form method="post" action="/signin"><input type="hidden" name="code" value="${escapeHtml(code)}"><button type="submit">Sign in</button></form>`,
    );
    return true;
  }
  if (url.pathname === '/signin' && req.method === 'POST') {
    if (!fromOwnPage(req, deps.address)) {
      deps.refused(req, 'a sign-in posted from another site');
      page(res, 403, 'Sign-in refused', '<p>Sign in from the link itself, not from another site.</p>');
      return true;
    }
    const form = await readForm(req);
    const code = form?.get('code') ?? '';
    try {
      const who = await deps.directory.signIn(code);
      await deps.signedIn(who);
      res
        .writeHead(303, {
          ...SECURITY_HEADERS,
          'Set-Cookie': sessionCookie(deps.cookie.name, who.sessionId, (who.endsAt - Date.now()) / 1000, deps.cookie.secure),
          Location: '/',
          'Cache-Control': 'no-store',
        })
        .end();
    } catch (e) {
      if (!(e instanceof DirectoryError)) throw e;
      deps.refused(req, e.message);
      page(res, 403, 'Sign-in refused', `<p>${escapeHtml(e.message)}.</p>`);
    }
    return true;
  }
  if (url.pathname === '/signout' && req.method === 'POST') {
    if (!fromOwnPage(req, deps.address)) {
      deps.refused(req, 'a sign-out posted from another site');
      res.writeHead(403, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('forbidden');
      return true;
    }
    const session = readCookie(req.headers.cookie, deps.cookie.name);
    const who = deps.directory.authenticate(session);
    if (session) await deps.directory.signOut(session);
    if (who.ok) await deps.signedOut(who.name);
    res.writeHead(204, { ...SECURITY_HEADERS, 'Set-Cookie': clearedCookie(deps.cookie.name, deps.cookie.secure), 'Cache-Control': 'no-store' }).end();
    return true;
  }
  return false;
}
