import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wav': 'audio/wav',
};

/**
 * The file a request path names inside `base`, or why it is refused. Shared with the desktop
 * shell's app:// handler so both hosts refuse the same paths.
 */
export function resolveStaticPath(base: string, pathname: string): { path: string } | { status: 400 | 403 } {
  let rel: string;
  try {
    rel = pathname === '/' ? '/index.html' : decodeURIComponent(pathname);
  } catch {
    // Malformed percent-encoding: a bad request, never a crash of the host.
    return { status: 400 };
  }
  const path = normalize(join(base, rel));
  return path.startsWith(base) ? { path } : { status: 403 };
}

/** Serves the built renderer; paths outside its folder are refused. */
export function createStaticHandler(root: string) {
  const base = normalize(root + sep);
  return async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad request');
      return;
    }
    const target = resolveStaticPath(base, url.pathname);
    if ('status' in target) {
      res.writeHead(target.status, { 'Content-Type': 'text/plain' }).end(target.status === 400 ? 'bad request' : 'forbidden');
      return;
    }
    const { path } = target;
    try {
      const body = await readFile(path);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}`);
    }
  };
}
