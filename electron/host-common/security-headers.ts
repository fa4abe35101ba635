import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';

/**
 * Sent with every reply of both hosts, errors included: the console's page is never framed,
 * never sniffed into another type, never leaks its address (which may carry the web host's
 * token) to another site, and shares no browsing context with a page that opened it.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};

/**
 * Vite names built assets after their content hash, so a cached copy can never be out of date;
 * everything else (index.html above all) is fetched fresh so a new build is picked up at once.
 */
export function cacheControlFor(pathname: string): string {
  return /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-store';
}

/** A plain-text error reply's body: fixed words only, never the request's path or headers. */
export const ERROR_TEXT: Readonly<Record<number, string>> = {
  400: 'bad request',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed',
  421: 'this console answers only at its own address',
  500: 'internal error',
};
