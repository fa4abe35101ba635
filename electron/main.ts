import { app, BrowserWindow, globalShortcut, ipcMain, net, Notification, protocol, session } from 'electron';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConsolePush } from '../shared/bridge.js';
import { BRIDGE_CHANNELS, PUSH_CHANNEL } from '../shared/bridge-channels.js';
import { CONTENT_SECURITY_POLICY } from '../shared/content-security-policy.js';
import { EMERGENCY_SHORTCUT } from '../shared/shortcuts.js';
import { createBridgeDispatcher } from './core/bridge-dispatch.js';
import { ConsoleService } from './core/console-service.js';
import { launchFolderName, resolveLaunchOptions } from './core/launch-options.js';
import {
  APP_ORIGIN,
  APP_SCHEME,
  isAllowedNavigation,
  isTrustedSender,
  secureWebPreferences,
} from './shell/security.js';
import { electronSettings } from './shell/electron-settings.js';
import { routingToken } from './shell/token-store.js';
import { resolveStaticPath } from './web/static-files.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = normalize(join(here, '..', 'renderer') + sep);

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const target = resolveStaticPath(rendererDir, new URL(request.url).pathname);
    if ('status' in target) return new Response(target.status === 400 ? 'bad request' : 'forbidden', { status: target.status });
    let file: Response;
    try {
      file = await net.fetch(pathToFileURL(target.path).toString());
    } catch {
      return new Response('not found', { status: 404 });
    }
    const headers = new Headers(file.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return new Response(file.body, { status: file.status, headers });
  });
}

function lockDown(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // Notifications and audio come from the main process; the page is granted nothing, not even on a query.
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

async function start(): Promise<void> {
  const options = resolveLaunchOptions(process.argv.slice(app.isPackaged ? 1 : 2), process.env);
  // One console per data directory: two writers would fork the audit log's hash chain and
  // re-send each other's pending routing actions. Electron's lock is keyed by userData.
  if (options.dataDir) app.setPath('userData', options.dataDir);
  if (!app.requestSingleInstanceLock()) {
    process.stderr.write(`launch console: already running on ${app.getPath('userData')}; its window is brought forward\n`);
    app.quit();
    return;
  }
  await app.whenReady();
  serveRenderer();
  lockDown();

  const dataDir = options.dataDir ?? join(app.getPath('userData'), 'launches', launchFolderName(options.config.launchName));
  const service = new ConsoleService({
    config: options.config,
    dataDir,
    streamToken: options.streamToken,
    routingToken: routingToken(dataDir, options.routingToken),
    settings: electronSettings(dataDir),
  });
  const dispatch = createBridgeDispatcher(service.handlers);
  for (const channel of BRIDGE_CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => {
      const frame = event.senderFrame;
      if (!isTrustedSender(frame?.url, frame !== null && frame === event.sender.mainFrame)) {
        throw new Error(`refused ${channel} from an untrusted sender`);
      }
      return dispatch(channel, request);
    });
  }

  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    backgroundColor: '#0d1117',
    title: 'Launch Console',
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  const unsubscribe = service.onPush((push) => {
    if (push.kind === 'notification' && Notification.isSupported()) {
      new Notification({ title: push.title, body: push.body, urgency: push.severity === 'critical' ? 'critical' : 'normal' }).show();
    }
    if (!win.isDestroyed()) win.webContents.send(PUSH_CHANNEL, push);
  });
  win.on('closed', unsubscribe);
  const bringForward = () => {
    if (win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  app.on('second-instance', bringForward);
  // The emergency stop reaches the operator from any application; it only opens the confirm.
  const shortcutHeld = globalShortcut.register(EMERGENCY_SHORTCUT.accelerator, () => {
    bringForward();
    if (!win.isDestroyed()) win.webContents.send(PUSH_CHANNEL, { kind: 'shortcut', name: 'emergency-stop' });
  });
  service.start();
  await win.loadURL(`${APP_ORIGIN}/index.html`);
  if (!shortcutHeld) {
    // Another application holds the keys: the operator must not learn that in an emergency.
    const push: ConsolePush = {
      kind: 'notification',
      id: 'emergency-shortcut-unavailable',
      title: `Global emergency shortcut ${EMERGENCY_SHORTCUT.label} unavailable`,
      body: 'Another application holds it, so it works only while this window has focus. Use the Stop all button otherwise.',
      severity: 'warning',
    };
    win.webContents.send(PUSH_CHANNEL, push);
  }

  app.on('window-all-closed', () => {
    globalShortcut.unregisterAll();
    service.stop();
    app.quit();
  });
}

start().catch((e: unknown) => {
  process.stderr.write(`launch console: ${(e as Error).message}\n`);
  app.exit(1);
});
