import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_CHANNELS, PUSH_CHANNEL } from '../../shared/bridge-channels.js';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import { acquireDataDirLock } from '../../electron/core/storage/data-dir-lock.js';
import { fakeContents, record } from '../support/fake-electron.js';

vi.mock('electron', async () => (await import('../support/fake-electron.js')).electron);
vi.mock('electron-store', async () => ({ default: (await import('../support/fake-electron.js')).FakeElectronStore }));

const APP_PAGE = 'app://console/index.html';
const TOKEN = 'prov-token-7f3a9c21';

let dataDir: string;
let provider: Server;
let providerAuth: string[];
let providerUrl: string;
const savedArgv = process.argv;
const savedPlatform = process.platform;

/** Starts electron/main.ts as Electron would, and waits until its window has loaded the app. */
async function startShell(argv: string[] = []): Promise<void> {
  process.argv = ['electron', 'dist/electron/main.js', '--data-dir', dataDir, '--routing', providerUrl, ...argv];
  vi.resetModules();
  await import('../../electron/main.js');
  await vi.waitFor(() => {
    if (record.quit === 0 && record.exitCodes.length === 0) expect(record.windows[0]?.loaded).toHaveLength(1);
  });
}

/** Closes the window as the operator would; the shell quits once its records are written. */
async function stopShell(): Promise<void> {
  if (!record.appListeners.has('window-all-closed')) return;
  const quits = record.quit;
  record.emitApp('window-all-closed');
  await vi.waitFor(() => expect(record.quit).toBeGreaterThan(quits));
}

function invoke(channel: string, request: unknown, frame: { url: string; top?: boolean } = { url: APP_PAGE }) {
  const handler = record.ipcHandlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  const senderFrame = { url: frame.url };
  const mainFrame = frame.top === false ? { url: APP_PAGE } : senderFrame;
  return (async () => handler({ senderFrame, sender: { mainFrame } }, request))();
}

function requestApp(path: string, method = 'GET'): Promise<Response> {
  const handler = record.protocolHandlers.get('app');
  if (!handler) throw new Error('app:// is not handled');
  return handler(new Request(`app://console${path}`, { method }));
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lc-shell-'));
  record.reset({ singleInstance: true, shortcutFree: true, encryption: true, backend: 'gnome_libsecret', userData: dataDir });
  delete process.env.LAUNCH_ROUTING_TOKEN;
  providerAuth = [];
  provider = createServer((req, res) => {
    providerAuth.push(req.headers.authorization ?? '');
    res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":"down for the test"}');
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', () => r()));
  const address = provider.address();
  providerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterEach(async () => {
  await stopShell();
  process.argv = savedArgv;
  Object.defineProperty(process, 'platform', { value: savedPlatform });
  await new Promise<void>((r) => provider.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('desktop shell (electron/main.ts against a recording Electron)', () => {
  it('opens one isolated, sandboxed window with no Node access, on the app:// page', async () => {
    await startShell();
    expect(record.windows).toHaveLength(1);
    const win = record.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: expect.stringMatching(/preload\.cjs$/),
    });
    expect(win.loaded).toEqual([APP_PAGE]);
    expect(record.privilegedSchemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('serves the page over app:// with the CSP and security headers, refusing other paths and methods', async () => {
    await startShell();
    const page = await requestApp('/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<div id="root">');

    const escape = await requestApp('/..%2f..%2fpackage.json');
    expect(escape.status).toBe(403);
    expect(escape.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const missing = await requestApp('/%3Cscript%3Ealert(1)%3C%2Fscript%3E.js');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('not found');
    const post = await requestApp('/index.html', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('grants the page no permission, on a request or a check', async () => {
    await startShell();
    const answers: boolean[] = [];
    record.permissionRequest?.({}, 'notifications', (granted) => answers.push(granted));
    record.permissionRequest?.({}, 'media', (granted) => answers.push(granted));
    expect(answers).toEqual([false, false]);
    expect(record.permissionCheck?.({}, 'notifications', APP_PAGE, {})).toBe(false);
  });

  it('refuses navigation and redirects away from the app, new windows and webviews', async () => {
    await startShell();
    const contents = fakeContents();
    record.emitApp('web-contents-created', {}, contents);
    const prevented = (event: string, url: string) => {
      const e = { preventDefault: vi.fn() };
      (contents.listeners.get(event) as (e: unknown, url: string) => void)(e, url);
      return e.preventDefault.mock.calls.length > 0;
    };
    expect(prevented('will-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-navigate', APP_PAGE)).toBe(false);
    expect(prevented('will-redirect', 'https://evil.example/login')).toBe(true);
    expect(prevented('will-redirect', 'app://console/index.html#x')).toBe(false);
    expect(prevented('will-attach-webview', 'about:blank')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: APP_PAGE })).toEqual({ action: 'deny' });
  });

  it('answers IPC only on the allow-listed channels, from the app page in its top frame, with validated requests', async () => {
    await startShell();
    expect([...record.ipcHandlers.keys()].sort()).toEqual([...BRIDGE_CHANNELS].sort());
    const snapshot = (await invoke('console:snapshot', {})) as { launchName: string; hasRunbook: boolean };
    expect(snapshot.launchName).toBe('Voice agent launch');
    expect(snapshot.hasRunbook).toBe(false);
    await expect(invoke('console:snapshot', {}, { url: 'https://evil.example/' })).rejects.toThrow(/refused console:snapshot from an untrusted sender/);
    await expect(invoke('console:snapshot', {}, { url: APP_PAGE, top: false })).rejects.toThrow(/untrusted sender/);
    await expect(invoke('console:snapshot', {}, { url: 'app://other/index.html' })).rejects.toThrow(/untrusted sender/);
    await expect(invoke('routing:prepare', { action: 'nuke' })).rejects.toThrow(/routing:prepare: action/);
    await expect(invoke('console:snapshot', { extra: 1 })).rejects.toThrow(/console:snapshot/);
  });

  it('keeps an entered routing token encrypted with safeStorage, uses it, and never gives it back to the page', async () => {
    await startShell();
    expect(await invoke('routing:token-status', {})).toMatchObject({ present: false, canEnter: true });
    await expect(invoke('routing:set-token', { token: 'short' })).rejects.toThrow(/too short/);

    const status = await invoke('routing:set-token', { token: TOKEN });
    expect(status).toMatchObject({ present: true, keptEncrypted: true, canEnter: true });
    expect(JSON.stringify(status)).not.toContain(TOKEN);
    expect(JSON.stringify(await invoke('routing:token-status', {}))).not.toContain(TOKEN);

    const file = join(dataDir, 'routing-token.bin');
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(TOKEN);
    expect(Buffer.from(stored, 'base64').toString()).toMatch(/^sealed:/);

    // The provider is asked with the token just entered, without a restart.
    await invoke('routing:refresh', {}).catch(() => undefined);
    expect(providerAuth).toContain(`Bearer ${TOKEN}`);
    const audit = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8');
    expect(audit).toMatch(/Routing token replaced in the desktop app/);
    expect(audit).not.toContain(TOKEN);

    // The next start reads it back from the keychain.
    await stopShell();
    record.reset();
    await startShell();
    expect(await invoke('routing:token-status', {})).toMatchObject({ present: true, keptEncrypted: true });
  });

  it('never writes the token down when the system has no keychain (Linux basic_text)', async () => {
    Object.defineProperty(process, 'platform', { value: 'linux' });
    record.reset({ backend: 'basic_text' });
    await startShell();
    expect(await invoke('routing:set-token', { token: TOKEN })).toMatchObject({ present: true, keptEncrypted: false });
    expect(existsSync(join(dataDir, 'routing-token.bin'))).toBe(false);
  });

  it('prints the launch report to PDF in a hidden window with no script and no preload, then closes it', async () => {
    await startShell();
    const pdf = (await invoke('report:pdf', {})) as { fileName: string; mimeType: string; base64: string };
    expect(pdf.mimeType).toBe('application/pdf');
    expect(pdf.fileName).toMatch(/^launch-report-.*\.pdf$/);
    expect(Buffer.from(pdf.base64, 'base64').toString()).toMatch(/^%PDF/);
    const printer = record.windows.find((w) => w.contents.printed.length > 0);
    expect(printer?.options).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
    expect(JSON.stringify(printer?.options)).not.toContain('preload');
    expect(printer?.contents.printed[0]).toMatchObject({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
    const url = printer?.loaded[0] ?? '';
    expect(url).toMatch(/^data:text\/html;charset=utf-8;base64,/);
    expect(Buffer.from(url.split(',')[1] ?? '', 'base64').toString()).toContain('<h1>Launch report:');
    expect(printer?.destroyed).toBe(true);
  });

  it('takes the single-instance lock and brings the first window forward instead of opening a second', async () => {
    record.reset({ singleInstance: false });
    process.argv = ['electron', 'main.js', '--data-dir', dataDir];
    vi.resetModules();
    await import('../../electron/main.js');
    await vi.waitFor(() => expect(record.quit).toBe(1));
    expect(record.paths.get('userData')).toBe(dataDir);
    expect(record.windows).toHaveLength(0);
    expect(record.ipcHandlers.size).toBe(0);
  });

  it('refuses a data folder another console holds, naming it', async () => {
    const held = acquireDataDirLock(dataDir, 'web host');
    try {
      process.argv = ['electron', 'main.js', '--data-dir', dataDir];
      vi.resetModules();
      await import('../../electron/main.js');
      await vi.waitFor(() => expect(record.exitCodes).toEqual([3]));
      expect(record.errorBoxes[0]?.content).toMatch(new RegExp(`in use by another console: web host, pid ${process.pid}`));
      expect(record.windows).toHaveLength(0);
    } finally {
      held.release();
    }
  });

  it('registers the global emergency shortcut, and says so with the platform label when it is taken', async () => {
    await startShell();
    const win = record.windows[0]!;
    record.shortcuts.get('CommandOrControl+Shift+E')?.();
    expect(win.contents.sent).toContainEqual({ channel: PUSH_CHANNEL, payload: { kind: 'shortcut', name: 'emergency-stop' } });
    await stopShell();

    Object.defineProperty(process, 'platform', { value: 'darwin' });
    record.reset({ shortcutFree: false });
    await startShell();
    await vi.waitFor(() =>
      expect(record.windows[0]!.contents.sent).toContainEqual({
        channel: PUSH_CHANNEL,
        payload: expect.objectContaining({ kind: 'notification', title: 'Global emergency shortcut ⌘⇧E unavailable' }),
      }),
    );
  });
});

describe('desktop preload (electron/preload.ts against a recording Electron)', () => {
  async function loadPreload() {
    vi.resetModules();
    await import('../../electron/preload.js');
    return record.exposed.get('launchConsole') as {
      invoke(channel: string, request: unknown): Promise<unknown>;
      onPush(listener: (push: unknown) => void): () => void;
    };
  }

  it('exposes only invoke and onPush, refusing unknown channels before they reach IPC', async () => {
    const bridge = await loadPreload();
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onPush']);
    await expect(bridge.invoke('shell:open-external', {})).rejects.toThrow(/unknown bridge channel shell:open-external/);
    expect(record.rendererInvokes).toEqual([]);
    await expect(bridge.invoke('console:snapshot', {})).resolves.toEqual({ ok: true });
    expect(record.rendererInvokes).toEqual([{ channel: 'console:snapshot', request: {} }]);
  });

  it('gives the page the core own refusal message, without Electron wrapping', async () => {
    const bridge = await loadPreload();
    record.rendererInvokeReply = () =>
      Promise.reject(new Error("Error invoking remote method 'routing:execute': Error: Nobody owns the shift yet"));
    await expect(bridge.invoke('routing:execute', { intentId: 'x' })).rejects.toThrow(/^Nobody owns the shift yet$/);
    record.rendererInvokeReply = () => Promise.resolve({ ok: true });
  });

  it('delivers pushes from the push channel only, and unsubscribes', async () => {
    const bridge = await loadPreload();
    const got: unknown[] = [];
    const off = bridge.onPush((p) => got.push(p));
    const listeners = record.rendererListeners.get(PUSH_CHANNEL);
    expect(listeners?.size).toBe(1);
    for (const l of listeners ?? []) (l as (e: unknown, p: unknown) => void)({}, { kind: 'shortcut', name: 'emergency-stop' });
    expect(got).toEqual([{ kind: 'shortcut', name: 'emergency-stop' }]);
    expect([...record.rendererListeners.keys()]).toEqual([PUSH_CHANNEL]);
    off();
    expect(listeners?.size).toBe(0);
  });
});
