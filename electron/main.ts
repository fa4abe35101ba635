import { app, BrowserWindow, dialog, globalShortcut, ipcMain, net, Notification, protocol, session } from 'electron';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConsolePush } from '../shared/bridge.js';
import { BRIDGE_CHANNELS, PUSH_CHANNEL } from '../shared/bridge-channels.js';
import { EMERGENCY_SHORTCUT, emergencyShortcutLabel } from '../shared/shortcuts.js';
import { ConsoleService } from './core/console-service.js';
import { launchFolderName, resolveLaunchOptions, type LaunchOptions } from './core/launch-options.js';
import { acquireDataDirLock, DataDirLockedError, type DataDirLock } from './core/storage/data-dir-lock.js';
import { cacheControlFor, ERROR_TEXT, SECURITY_HEADERS } from './host-common/security-headers.js';
import { contentTypeOf, resolveStaticPath } from './host-common/static-path.js';
import { electronSettings } from './shell/electron-settings.js';
import {
  APP_ORIGIN,
  APP_SCHEME,
  isAllowedNavigation,
  isTrustedSender,
  secureWebPreferences,
} from './shell/security.js';
import { openTeamDesk, takeTeamServerArg, TeamDeskError, type DeskCore } from './shell/team-desk.js';
import { openRoutingTokenStore, providerWithStoredToken, type RoutingTokenStore } from './shell/token-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = normalize(join(here, '..', 'renderer') + sep);

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function errorResponse(status: keyof typeof ERROR_TEXT, extra: Record<string, string> = {}): Response {
  return new Response(ERROR_TEXT[status], {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra },
  });
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(405, { Allow: 'GET, HEAD' });
    const url = new URL(request.url);
    const target = resolveStaticPath(rendererDir, url.pathname);
    if ('status' in target) return errorResponse(target.status);
    let file: Response;
    try {
      file = await net.fetch(pathToFileURL(target.path).toString());
    } catch {
      return errorResponse(404);
    }
    if (!file.ok) return errorResponse(404);
    return new Response(request.method === 'HEAD' ? null : file.body, {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': contentTypeOf(target.path), 'Cache-Control': cacheControlFor(url.pathname) },
    });
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
    // A server redirect is a navigation the page did not ask for by name: checked the same way.
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url)) event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/**
 * Prints the report in a hidden window of its own: no preload, no script, nothing but the
 * document, so a report's text can never reach the bridge.
 */
async function printToPdf(html: string): Promise<Buffer> {
  const win = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
  });
  try {
    await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html).toString('base64')}`);
    return await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    win.destroy();
  }
}

/** The data folder for this app alone, or null after telling the operator which console holds it. */
function takeDataDir(dataDir: string): DataDirLock | null {
  try {
    return acquireDataDirLock(dataDir, 'desktop app');
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    dialog.showErrorBox('Launch Console cannot start', e.message);
    process.stderr.write(`launch console: ${e.message}\n`);
    app.exit(3);
    return null;
  }
}

/** The console on this desk alone: its own records in the data folder. */
async function openLocalConsole(options: LaunchOptions, dataDir: string, tokens: RoutingTokenStore): Promise<DeskCore> {
  const service: ConsoleService = await ConsoleService.open({
    config: options.config,
    dataDir,
    streamToken: options.streamToken,
    routingToken: tokens.current(),
    provider: providerWithStoredToken(options.config, tokens, options.splitterToken),
    settings: electronSettings(dataDir),
    routingTokenHandlers: {
      'routing:token-status': () => tokens.status(),
      'routing:set-token': async ({ token }) => {
        const status = tokens.store(token);
        service.audit.addSecret(token);
        await service.audit.append({
          type: 'config',
          operator: service.cadence.currentOwner()?.name ?? 'desktop operator (no shift owner set)',
          summary: `Routing token replaced in the desktop app (${status.keptEncrypted ? 'kept encrypted with the system keychain' : 'kept until the app closes'})`,
          data: { keptEncrypted: status.keptEncrypted },
        });
        return status;
      },
    },
    reportPdfHandler: {
      'report:pdf': async (span) => {
        const file = await service.buildReport(span);
        const pdf = await printToPdf(file.content);
        return { fileName: file.fileName.replace(/\.html$/, '.pdf'), mimeType: 'application/pdf', base64: pdf.toString('base64') };
      },
    },
  });
  return {
    dispatch: service.dispatcherFor(null),
    onPush: (listener) => service.onPush(listener),
    start: () => service.start(),
    stop: () => service.stop(),
  };
}

async function start(): Promise<void> {
  const { argv, teamServer } = takeTeamServerArg(process.argv.slice(app.isPackaged ? 1 : 2), process.env);
  const options = resolveLaunchOptions(argv, process.env);
  // Electron's lock is keyed by userData: a second window on the same folder is brought forward
  // instead. The data-folder lock below also refuses a web host on the folder.
  if (options.dataDir) app.setPath('userData', options.dataDir);
  if (!app.requestSingleInstanceLock()) {
    process.stderr.write(`launch console: already running on ${app.getPath('userData')}; its window is brought forward\n`);
    app.quit();
    return;
  }
  await app.whenReady();

  const dataDir = options.dataDir ?? join(app.getPath('userData'), 'launches', launchFolderName(options.config.launchName));
  const lock = takeDataDir(dataDir);
  if (!lock) return;
  serveRenderer();
  lockDown();

  const tokens = openRoutingTokenStore(dataDir, options.routingToken);
  // With a team server the desk shows the team's console, and acts alone only when it is unreachable.
  let core: DeskCore;
  try {
    core = teamServer
      ? await openTeamDesk({
          teamServer,
          dataDir,
          config: options.config,
          tokens,
          splitterToken: options.splitterToken,
          printToPdf,
          log: (line) => process.stderr.write(`launch console (team): ${line}\n`),
        })
      : await openLocalConsole(options, dataDir, tokens);
  } catch (e) {
    // The folder is free again for the next start, which the operator makes once told why.
    lock.release();
    throw e;
  }
  for (const channel of BRIDGE_CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => {
      const frame = event.senderFrame;
      if (!isTrustedSender(frame?.url, frame !== null && frame === event.sender.mainFrame)) {
        throw new Error(`refused ${channel} from an untrusted sender`);
      }
      return core.dispatch(channel, request);
    });
  }

  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    backgroundColor: '#0d1117',
    title: 'Launch Console',
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  const unsubscribe = core.onPush((push) => {
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
  app.on('window-all-closed', () => {
    globalShortcut.unregisterAll();
    // Quit only once every record asked for is written: an operator's last click is kept.
    void core.stop().finally(() => {
      lock.release();
      app.quit();
    });
  });
  core.start();
  await win.loadURL(`${APP_ORIGIN}/index.html`);
  if (!shortcutHeld) {
    // Another application holds the keys: the operator must not learn that in an emergency.
    const push: ConsolePush = {
      kind: 'notification',
      id: 'emergency-shortcut-unavailable',
      title: `Global emergency shortcut ${emergencyShortcutLabel(process.platform === 'darwin')} unavailable`,
      body: 'Another application holds it, so it works only while this window has focus. Use the Stop all button otherwise.',
      severity: 'warning',
    };
    win.webContents.send(PUSH_CHANNEL, push);
  }
}

start().catch((e: unknown) => {
  // A desk that cannot join its team tells the operator what to do, not only the terminal.
  if (e instanceof TeamDeskError) dialog.showErrorBox('Launch Console cannot join the team', e.message);
  process.stderr.write(`launch console: ${(e as Error).message}\n`);
  app.exit(1);
});
