import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalize, sep } from 'node:path';
import { cacheControlFor, ERROR_TEXT, SECURITY_HEADERS } from '../host-common/security-headers.js';
import { contentTypeOf, resolveStaticPath } from '../host-common/static-path.js';

const ALLOWED_METHODS = 'GET, HEAD';

function sendError(res: ServerResponse, status: keyof typeof ERROR_TEXT, extra: Record<string, string> = {}): void {
  res
    .writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra })
    .end(ERROR_TEXT[status]);
}

/**
 * Serves the built renderer, read only: GET and HEAD, files inside its folder, and requests
 * addressed to this host's own name (a page on another site that rebinds its DNS name to
 * 127.0.0.1 gets nothing).
 */
export function createStaticHandler(root: string, isOwnHost: (host: string | undefined) => boolean) {
  const base = normalize(root + sep);
  return async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isOwnHost(req.headers.host)) return sendError(res, 421);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, { Allow: ALLOWED_METHODS });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, 400);
    }
    const target = resolveStaticPath(base, url.pathname);
    if ('status' in target) return sendError(res, target.status);
    let body: Buffer;
    try {
      body = await readFile(target.path);
    } catch {
      return sendError(res, 404);
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': contentTypeOf(target.path),
      'Content-Length': String(body.length),
      'Cache-Control': cacheControlFor(url.pathname),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
