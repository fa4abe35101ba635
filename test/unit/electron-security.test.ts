import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import {
  isAllowedNavigation,
  isTrustedSender,
  secureWebPreferences,
} from '../../electron/shell/security.js';
import { resolveStaticPath } from '../../electron/web/static-files.js';

describe('desktop shell security settings', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('sends a strict Content-Security-Policy with no inline or remote script', () => {
    const csp = CONTENT_SECURITY_POLICY;
    const script = /script-src ([^;]+)/.exec(csp)?.[1];
    expect(script).toBe("'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:/);
  });

  it('answers IPC only from the app origin in the top frame', () => {
    expect(isTrustedSender('app://console/index.html', true)).toBe(true);
    expect(isTrustedSender('app://console/index.html', false)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender('app://other/index.html', true)).toBe(false);
    expect(isTrustedSender('file:///etc/passwd', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
    expect(isTrustedSender('not a url', true)).toBe(false);
  });

  it('blocks navigation away from the app', () => {
    expect(isAllowedNavigation('app://console/index.html')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
  });

  it('both hosts serve only files inside the renderer folder, and a malformed path is a bad request', () => {
    expect(resolveStaticPath('/app/renderer/', '/')).toEqual({ path: '/app/renderer/index.html' });
    expect(resolveStaticPath('/app/renderer/', '/assets/a%20b.js')).toEqual({ path: '/app/renderer/assets/a b.js' });
    expect(resolveStaticPath('/app/renderer/', '/..%2f..%2fetc/passwd')).toEqual({ status: 403 });
    expect(resolveStaticPath('/app/renderer/', '/%E0%A4%A')).toEqual({ status: 400 });
  });

  it('main.ts wires these settings: window preferences, IPC sender check, navigation and window.open blocks', () => {
    const main = readFileSync(new URL('../../electron/main.ts', import.meta.url), 'utf8');
    expect(main).toContain('secureWebPreferences(');
    expect(main).toContain("headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)");
    expect(main).toMatch(/isTrustedSender\(/);
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).toMatch(/will-navigate/);
    expect(main).toMatch(/setPermissionRequestHandler\([^)]*\) => callback\(false\)\)/);
    expect(main).toContain('setPermissionCheckHandler(() => false)');
    expect(main).toContain('requestSingleInstanceLock()');
    expect(main).toContain('resolveStaticPath(rendererDir');
    const preload = readFileSync(new URL('../../electron/preload.ts', import.meta.url), 'utf8');
    expect(preload).toContain('satisfies ConsoleBridge');
    expect(preload).toContain('isBridgeChannel(channel)');
  });
});
