import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * A recording stand-in for the parts of Electron's API the desktop shell uses. The shell's own
 * code runs unchanged against it (through vi.mock('electron')); tests then drive what Electron
 * would (requests on app://, IPC calls, navigation events) and read what the shell did.
 */

type Listener = (...args: never[]) => unknown;

export interface ShellSetup {
  singleInstance: boolean;
  shortcutFree: boolean;
  encryption: boolean;
  backend: 'basic_text' | 'gnome_libsecret';
  userData: string;
}

export interface FakeContents {
  listeners: Map<string, Listener>;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null;
  sent: { channel: string; payload: unknown }[];
  mainFrame: { url: string };
  printed: Record<string, unknown>[];
  on(event: string, fn: Listener): FakeContents;
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }): void;
  send(channel: string, payload: unknown): void;
  printToPDF(options: Record<string, unknown>): Promise<Buffer>;
}

export function fakeContents(): FakeContents {
  const c: FakeContents = {
    listeners: new Map(),
    windowOpenHandler: null,
    sent: [],
    mainFrame: { url: 'app://console/index.html' },
    printed: [],
    on(event, fn) {
      c.listeners.set(event, fn);
      return c;
    },
    setWindowOpenHandler(fn) {
      c.windowOpenHandler = fn;
    },
    send(channel, payload) {
      c.sent.push({ channel, payload });
    },
    printToPDF(options) {
      c.printed.push(options);
      return Promise.resolve(Buffer.from('%PDF-1.4 stand-in'));
    },
  };
  return c;
}

function createRecord() {
  return {
    setup: {
      singleInstance: true,
      shortcutFree: true,
      encryption: true,
      backend: 'gnome_libsecret',
      userData: '/nonexistent-user-data',
    } as ShellSetup,
    paths: new Map<string, string>(),
    appListeners: new Map<string, Listener[]>(),
    quit: 0,
    exitCodes: [] as number[],
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    permissionRequest: null as null | ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void),
    permissionCheck: null as null | ((...args: unknown[]) => boolean),
    ipcHandlers: new Map<string, (event: unknown, request: unknown) => unknown>(),
    windows: [] as { options: Record<string, unknown>; contents: FakeContents; loaded: string[]; destroyed: boolean }[],
    shortcuts: new Map<string, () => void>(),
    notifications: [] as Record<string, unknown>[],
    errorBoxes: [] as { title: string; content: string }[],
    exposed: new Map<string, unknown>(),
    rendererInvokes: [] as { channel: string; request: unknown }[],
    rendererInvokeReply: (_channel: string, _request: unknown): Promise<unknown> => Promise.resolve({ ok: true }),
    rendererListeners: new Map<string, Set<Listener>>(),

    reset(setup: Partial<ShellSetup> = {}) {
      this.setup = { ...this.setup, ...setup };
      this.paths = new Map([['userData', this.setup.userData]]);
      this.appListeners = new Map();
      this.quit = 0;
      this.exitCodes = [];
      this.privilegedSchemes = [];
      this.protocolHandlers = new Map();
      this.permissionRequest = null;
      this.permissionCheck = null;
      this.ipcHandlers = new Map();
      this.windows = [];
      this.shortcuts = new Map();
      this.notifications = [];
      this.errorBoxes = [];
      this.exposed = new Map();
      this.rendererInvokes = [];
      this.rendererListeners = new Map();
    },

    emitApp(event: string, ...args: unknown[]) {
      for (const fn of this.appListeners.get(event) ?? []) (fn as (...a: unknown[]) => unknown)(...args);
    },
  };
}

// One record for every copy of this module: a test re-imports the shell (vi.resetModules) to
// start it again, and must still read what the new copy did.
const shared = globalThis as { launchConsoleFakeElectron?: ReturnType<typeof createRecord> };
export const record = (shared.launchConsoleFakeElectron ??= createRecord());

const app = {
  isPackaged: false,
  setPath: (name: string, path: string) => void record.paths.set(name, path),
  getPath: (name: string) => record.paths.get(name) ?? `/fake/${name}`,
  requestSingleInstanceLock: () => record.setup.singleInstance,
  whenReady: () => Promise.resolve(),
  quit: () => void (record.quit += 1),
  exit: (code = 0) => void record.exitCodes.push(code),
  on(event: string, fn: Listener) {
    record.appListeners.set(event, [...(record.appListeners.get(event) ?? []), fn]);
    return app;
  },
};

const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => void record.privilegedSchemes.push(...schemes),
  handle: (scheme: string, handler: (request: Request) => Promise<Response>) => void record.protocolHandlers.set(scheme, handler),
};

const net = {
  async fetch(url: string): Promise<Response> {
    return new Response(await readFile(fileURLToPath(url)), { headers: { 'content-type': 'text/html' } });
  },
};

const session = {
  defaultSession: {
    setPermissionRequestHandler: (fn: typeof record.permissionRequest) => void (record.permissionRequest = fn),
    setPermissionCheckHandler: (fn: typeof record.permissionCheck) => void (record.permissionCheck = fn),
  },
};

const ipcMain = {
  handle: (channel: string, fn: (event: unknown, request: unknown) => unknown) => void record.ipcHandlers.set(channel, fn),
};

class BrowserWindow {
  readonly webContents = fakeContents();
  private readonly entry: (typeof record.windows)[number];

  constructor(options: Record<string, unknown>) {
    this.entry = { options, contents: this.webContents, loaded: [], destroyed: false };
    record.windows.push(this.entry);
  }
  on() {
    return this;
  }
  isDestroyed() {
    return this.entry.destroyed;
  }
  destroy() {
    this.entry.destroyed = true;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  show() {}
  focus() {}
  loadURL(url: string) {
    this.entry.loaded.push(url);
    return Promise.resolve();
  }
}

const globalShortcut = {
  register(accelerator: string, fn: () => void) {
    record.shortcuts.set(accelerator, fn);
    return record.setup.shortcutFree;
  },
  unregisterAll: () => void record.shortcuts.clear(),
};

class Notification {
  static isSupported() {
    return true;
  }
  constructor(private readonly options: Record<string, unknown>) {}
  show() {
    record.notifications.push(this.options);
  }
}

const dialog = {
  showErrorBox: (title: string, content: string) => void record.errorBoxes.push({ title, content }),
};

/** Reversible, but never the plain text: enough to tell whether the shell kept it encrypted. */
const safeStorage = {
  isEncryptionAvailable: () => record.setup.encryption,
  getSelectedStorageBackend: () => record.setup.backend,
  encryptString: (text: string) => Buffer.from(`sealed:${Buffer.from(text).toString('hex')}`),
  decryptString: (sealed: Buffer) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'hex').toString(),
};

const contextBridge = {
  exposeInMainWorld: (name: string, api: unknown) => void record.exposed.set(name, api),
};

const ipcRenderer = {
  invoke(channel: string, request: unknown) {
    record.rendererInvokes.push({ channel, request });
    return record.rendererInvokeReply(channel, request);
  },
  on(channel: string, fn: Listener) {
    record.rendererListeners.set(channel, (record.rendererListeners.get(channel) ?? new Set()).add(fn));
    return ipcRenderer;
  },
  removeListener(channel: string, fn: Listener) {
    record.rendererListeners.get(channel)?.delete(fn);
    return ipcRenderer;
  },
};

export const electron = {
  app,
  protocol,
  net,
  session,
  ipcMain,
  BrowserWindow,
  globalShortcut,
  Notification,
  dialog,
  safeStorage,
  contextBridge,
  ipcRenderer,
};

/** electron-store without Electron: the same conf-like surface, in memory. */
export class FakeElectronStore {
  readonly path: string;
  readonly store: Record<string, unknown> = {};
  constructor(options: { cwd: string; name: string }) {
    this.path = `${options.cwd}/${options.name}.json`;
  }
  set(key: string, value: unknown) {
    this.store[key] = value;
  }
}
