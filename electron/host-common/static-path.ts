import { extname, join, normalize } from 'node:path';

/**
 * What both hosts (the desktop shell's app:// protocol and the web host) share when they serve
 * the built renderer, so they refuse the same paths and send the same headers.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.map': 'application/json',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path)] ?? 'application/octet-stream';
}

/** The file a request path names inside `base` (which ends with a separator), or why it is refused. */
export function resolveStaticPath(base: string, pathname: string): { path: string } | { status: 400 | 403 } {
  let rel: string;
  try {
    rel = pathname === '/' ? '/index.html' : decodeURIComponent(pathname);
  } catch {
    // Malformed percent-encoding: a bad request, never a crash of the host.
    return { status: 400 };
  }
  if (rel.includes('\0')) return { status: 400 };
  const path = normalize(join(base, rel));
  return path.startsWith(base) ? { path } : { status: 403 };
}
