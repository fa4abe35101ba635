import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_CHANNELS, PUSH_CHANNEL } from '../../shared/bridge-channels.js';
import { record } from '../support/fake-electron.js';

/** A loaded machine starts the desk and its connection slower than vitest's one-second default. */
const WAIT = { timeout: 15_000 };

vi.mock('electron', async () => (await import('../support/fake-electron.js')).electron);
vi.mock('electron-store', async () => ({ default: (await import('../support/fake-electron.js')).FakeElectronStore }));

/**
 * The desktop shell as one desk of a team (electron/main.ts with --team-server), against the
 * recording Electron stand-in and a stand-in team server that speaks what the console server
 * speaks: the sign-in page and form, the session cookie, the bridge WebSocket.
 */

const APP_PAGE = 'app://console/index.html';
const SESSION = 'sess-4f1c9a7e0b2d';
const COOKIE = `launch-console-session=${SESSION}`;
const TOKEN = 'prov-token-7f3a9c21';

interface StandIn {
  origin: string;
  invokes: { channel: string; request: unknown }[];
  sockets: Set<WebSocket>;
  handshakes: { cookie: string | undefined; origin: string | undefined }[];
  codesSpent: string[];
  close(): Promise<void>;
}

async function startStandIn(): Promise<StandIn> {
  const invokes: StandIn['invokes'] = [];
  const handshakes: StandIn['handshakes'] = [];
  const codesSpent: string[] = [];
  const sockets = new Set<WebSocket>();
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname === '/signin' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<form method="post" action="/signin"></form>');
      return;
    }
    if (url.pathname === '/signin' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const code = new URLSearchParams(body).get('code') ?? '';
        if (req.headers.origin !== origin || code !== 'good-code' || codesSpent.includes(code)) {
          res.writeHead(403, { 'Content-Type': 'text/html' }).end('<p>this sign-in link was used already</p>');
          return;
        }
        codesSpent.push(code);
        res.writeHead(303, { 'Set-Cookie': `${COOKIE}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200`, Location: '/' }).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: '/bridge' });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    handshakes.push({ cookie: req.headers.cookie, origin: req.headers.origin });
    if (req.headers.cookie !== COOKIE || req.headers.origin !== origin) {
      ws.close(4401, 'sign in first');
      return;
    }
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.send(JSON.stringify({ type: 'ready' }));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id: number; channel: string; request: unknown };
      if (frame.type !== 'invoke') return;
      invokes.push({ channel: frame.channel, request: frame.request });
      const result =
        frame.channel === 'team:me'
          ? { mode: 'team', name: 'Olu', role: 'operator', sessionEndsAt: Date.now() + 3_600_000, may: { read: true, review: true, operate: true, admin: false }, actions: ['pause_ramp', 'route_fallback'] }
          : frame.channel === 'report:build'
            ? { fileName: 'launch-report.html', mimeType: 'text/html', content: '<h1>Launch report: team</h1>' }
            : { answeredBy: 'the team server', channel: frame.channel };
      ws.send(JSON.stringify({ type: 'result', id: frame.id, ok: true, result }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    get origin() {
      return origin;
    },
    invokes,
    sockets,
    handshakes,
    codesSpent,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let dataDir: string;
let team: StandIn;
const savedArgv = process.argv;
const savedPlatform = process.platform;

async function startDesk(teamServer: string, more: string[] = []): Promise<void> {
  process.argv = ['electron', 'dist/electron/main.js', '--data-dir', dataDir, '--team-server', teamServer, ...more];
  vi.resetModules();
  await import('../../electron/main.js');
  await vi.waitFor(() => {
    if (record.exitCodes.length === 0) expect(record.windows[0]?.loaded).toHaveLength(1);
  }, WAIT);
}

async function stopDesk(): Promise<void> {
  if (!record.appListeners.has('window-all-closed')) return;
  const quits = record.quit;
  record.emitApp('window-all-closed');
  await vi.waitFor(() => expect(record.quit).toBeGreaterThan(quits), WAIT);
}

function invoke(channel: string, request: unknown, url = APP_PAGE) {
  const handler = record.ipcHandlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  const senderFrame = { url };
  return (async () => handler({ senderFrame, sender: { mainFrame: senderFrame } }, request))();
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lc-desk-shell-'));
  record.reset({ singleInstance: true, shortcutFree: true, encryption: true, backend: 'gnome_libsecret', userData: dataDir });
  delete process.env.LAUNCH_TEAM_SERVER;
  team = await startStandIn();
});

afterEach(async () => {
  await stopDesk();
  process.argv = savedArgv;
  Object.defineProperty(process, 'platform', { value: savedPlatform });
  await team.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('desktop shell as a desk of a team (electron/main.ts --team-server)', () => {
  it('signs in with the link as a browser does, keeps the cookie sealed with safeStorage, and shows the team server over the same bridge', async () => {
    await startDesk(`${team.origin}/signin?code=good-code`);
    expect(team.codesSpent).toEqual(['good-code']);
    await vi.waitFor(() => expect(team.handshakes).toContainEqual({ cookie: COOKIE, origin: team.origin }), WAIT);

    // The cookie is kept, encrypted: never in the clear on disk.
    const stored = readFileSync(join(dataDir, 'team-session.bin'), 'utf8');
    expect(stored).not.toContain(SESSION);
    expect(Buffer.from(stored, 'base64').toString()).toMatch(/^sealed:/);

    // The same allow-listed channels and trust checks as on one desk; answered by the team server.
    expect([...record.ipcHandlers.keys()].sort()).toEqual([...BRIDGE_CHANNELS].sort());
    expect(await invoke('known-issue:upsert', { title: 'Agent repeats the greeting' })).toEqual({ answeredBy: 'the team server', channel: 'known-issue:upsert' });
    expect(await invoke('team:me', {})).toMatchObject({ mode: 'team', name: 'Olu' });
    await expect(invoke('console:snapshot', {}, 'https://evil.example/')).rejects.toThrow(/untrusted sender/);
    await expect(invoke('routing:prepare', { action: 'nuke' })).rejects.toThrow(/routing:prepare: action/);
    // No console of its own: no local audit log.
    expect(existsSync(join(dataDir, 'audit.jsonl'))).toBe(false);

    // The server's pushes reach the window, notifications the desktop too.
    for (const ws of team.sockets) ws.send(JSON.stringify({ type: 'push', push: { kind: 'notification', id: 'n1', title: 'Ramp paused by Ada', body: 'verified', severity: 'warning' } }));
    await vi.waitFor(() =>
      expect(record.windows[0]!.contents.sent).toContainEqual({ channel: PUSH_CHANNEL, payload: expect.objectContaining({ id: 'n1', title: 'Ramp paused by Ada' }) }),
    );
    expect(record.notifications).toContainEqual(expect.objectContaining({ title: 'Ramp paused by Ada' }));
  });

  it('keeps the routing token on the desk, sealed, for acting alone; the page and the team server never see it', async () => {
    await startDesk(`${team.origin}/signin?code=good-code`);
    const status = (await invoke('routing:set-token', { token: TOKEN })) as { present: boolean; keptEncrypted: boolean; note: string };
    expect(status).toMatchObject({ present: true, keptEncrypted: true });
    expect(status.note).toMatch(/only to pause, fall back or stop alone while the team server is unreachable/);
    expect(JSON.stringify(status)).not.toContain(TOKEN);
    expect(team.invokes.map((i) => i.channel)).not.toContain('routing:set-token');
    expect(JSON.stringify(team.invokes)).not.toContain(TOKEN);
    expect(readFileSync(join(dataDir, 'routing-token.bin'), 'utf8')).not.toContain(TOKEN);
  });

  it('prints the report the team server built in its own hidden window', async () => {
    await startDesk(`${team.origin}/signin?code=good-code`);
    const pdf = (await invoke('report:pdf', {})) as { fileName: string; base64: string };
    expect(pdf.fileName).toBe('launch-report.pdf');
    expect(Buffer.from(pdf.base64, 'base64').toString()).toMatch(/^%PDF/);
    expect(team.invokes.map((i) => i.channel)).toContain('report:build');
    const printer = record.windows.find((w) => w.contents.printed.length > 0);
    expect(printer?.options).toMatchObject({ show: false, webPreferences: { javascript: false } });
  });

  it('starts again on the kept session with the address alone; without one, or with a spent link, it says what to do', async () => {
    await startDesk(`${team.origin}/signin?code=good-code`);
    await stopDesk();

    record.reset();
    await startDesk(team.origin);
    await vi.waitFor(() => expect(team.handshakes.filter((h) => h.cookie === COOKIE)).toHaveLength(2), WAIT);
    expect(await invoke('team:me', {})).toMatchObject({ name: 'Olu' });
    await stopDesk();

    // The link was spent by the first start.
    record.reset();
    await startDesk(`${team.origin}/signin?code=good-code`);
    await vi.waitFor(() => expect(record.exitCodes).toEqual([1]), WAIT);
    expect(record.errorBoxes[0]).toMatchObject({ title: 'Launch Console cannot join the team' });
    expect(record.errorBoxes[0]?.content).toMatch(/refused the sign-in \(403\): this sign-in link was used already/);

    // Another data folder has no session with the server.
    rmSync(join(dataDir, 'team-session.bin'));
    record.reset();
    await startDesk(team.origin);
    await vi.waitFor(() => expect(record.exitCodes).toEqual([1]), WAIT);
    expect(record.errorBoxes[0]?.content).toMatch(/no session with the team server .*start it once with --team-server <the sign-in link/);
    expect(record.windows).toHaveLength(0);
  });

  it('with the team server gone, pauses the ramp alone through the provider with the token kept on the desk, and says so', async () => {
    const auth: string[] = [];
    let state = { version: 3, mode: 'live', agentShare: 50, agentVersion: 'v2', previousVersion: 'v1', intents: { billing: 'agent' }, updatedAt: new Date().toISOString(), updatedBy: 'system' };
    const provider = createServer((req, res) => {
      auth.push(req.headers.authorization ?? '');
      if (req.method === 'POST') {
        state = { ...state, mode: 'paused', version: state.version + 1, updatedBy: 'Olu' };
      }
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(state)));
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', () => r()));
    const address = provider.address();
    try {
      await startDesk(`${team.origin}/signin?code=good-code`, ['--routing', `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`]);
      await invoke('routing:set-token', { token: TOKEN });
      await vi.waitFor(() => expect(team.invokes.map((i) => i.channel)).toContain('team:me'), WAIT);
      await team.close();
      // Asked during the grace, the confirm waits for the outcome: here, acting alone.
      const prepared = (await invoke('routing:prepare', { action: 'pause_ramp' })) as { intent: { id: string } };
      const outcome = (await invoke('routing:execute', { intentId: prepared.intent.id })) as { status: string; knownText: string };
      expect(outcome.status).toBe('verified');
      expect(outcome.knownText).toMatch(/^Acting alone/);
      expect(auth.length).toBeGreaterThan(0);
      expect(auth.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
      expect(record.windows[0]!.contents.sent).toContainEqual({ channel: PUSH_CHANNEL, payload: expect.objectContaining({ kind: 'notification', id: 'acting-alone' }) });
      const journal = readFileSync(join(dataDir, 'alone', 'audit.jsonl'), 'utf8');
      expect(journal).toMatch(/Taken alone by Olu \(operator\)/);
      expect(journal).not.toContain(TOKEN);
      // Anything else is refused, saying why.
      await expect(invoke('cadence:set-t0', { t0: null })).rejects.toThrow(/team server is unreachable: only Pause ramp, Route to fallback and Stop all/);
    } finally {
      await new Promise<void>((r) => provider.close(() => r()));
    }
  }, 20_000);

  it('keeps no session on disk where the system has no keychain (Linux basic_text)', async () => {
    Object.defineProperty(process, 'platform', { value: 'linux' });
    record.reset({ backend: 'basic_text' });
    await startDesk(`${team.origin}/signin?code=good-code`);
    expect(existsSync(join(dataDir, 'team-session.bin'))).toBe(false);
    expect(await invoke('team:me', {})).toMatchObject({ name: 'Olu' });
  });
});
