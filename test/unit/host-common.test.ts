import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import { cacheControlFor, SECURITY_HEADERS } from '../../electron/host-common/security-headers.js';
import { resolveStaticPath } from '../../electron/host-common/static-path.js';

describe('what both hosts share when serving the renderer', () => {
  it('serves only files inside the renderer folder; a malformed path is a bad request', () => {
    expect(resolveStaticPath('/app/renderer/', '/')).toEqual({ path: '/app/renderer/index.html' });
    expect(resolveStaticPath('/app/renderer/', '/assets/a%20b.js')).toEqual({ path: '/app/renderer/assets/a b.js' });
    expect(resolveStaticPath('/app/renderer/', '/..%2f..%2fetc/passwd')).toEqual({ status: 403 });
    expect(resolveStaticPath('/app/renderer/', '/%E0%A4%A')).toEqual({ status: 400 });
    expect(resolveStaticPath('/app/renderer/', '/index.html%00.png')).toEqual({ status: 400 });
  });

  it('sends a strict CSP with no inline or remote script, and refuses framing and sniffing', () => {
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(/script-src ([^;]+)/.exec(CONTENT_SECURITY_POLICY)?.[1]).toBe("'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:/);
    expect(SECURITY_HEADERS).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
  });

  it('lets browsers keep content-hashed assets, and nothing else', () => {
    expect(cacheControlFor('/assets/index-B3x9_kzA.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('/index.html')).toBe('no-store');
    expect(cacheControlFor('/')).toBe('no-store');
    expect(cacheControlFor('/assets/../index.html')).toBe('no-store');
  });
});
