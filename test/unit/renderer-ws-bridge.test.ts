import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bridgeUrl, createWsBridge, retryDelayMs, type LinkEvent } from '../../renderer/bridge/ws-bridge.js';

/** A WebSocket the test drives: what the page sent, and the server's side played by hand. */
class FakeSocket {
  static made: FakeSocket[] = [];
  readonly sent: unknown[] = [];
  private readonly handlers = new Map<string, ((ev: unknown) => void)[]>();
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  addEventListener(type: string, handler: (ev: unknown) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  private emit(type: string, ev: unknown): void {
    for (const h of this.handlers.get(type) ?? []) h(ev);
  }
  open(): void {
    this.emit('open', {});
  }
  frame(frame: unknown): void {
    this.emit('message', { data: JSON.stringify(frame) });
  }
  closeWith(code: number, reason = ''): void {
    this.emit('close', { code, reason });
  }
}

const last = () => FakeSocket.made.at(-1)!;
/** The message a request was refused with; null if it was answered. */
const failure = (p: Promise<unknown>) => p.then(
  () => null,
  (e: Error) => e.message,
);

beforeEach(() => {
  FakeSocket.made = [];
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the web bridge: by token on one desk, by session cookie in team mode', () => {
  it('speaks wss beside an https page and ws beside an http one, to the page’s own host', () => {
    expect(bridgeUrl({ protocol: 'https:', host: 'console.example.com' })).toBe('wss://console.example.com/bridge');
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:4310' })).toBe('ws://127.0.0.1:4310/bridge');
  });

  it('presents the token first on one desk, as before', () => {
    createWsBridge({ token: 'abc', onLink: () => undefined, url: 'ws://x/bridge' });
    last().open();
    expect(last().sent).toEqual([{ type: 'auth', token: 'abc' }]);
  });

  it('in session mode sends no auth frame and holds requests until the server says ready', async () => {
    const events: LinkEvent[] = [];
    const bridge = createWsBridge({ token: null, onLink: (e) => events.push(e), url: 'wss://x/bridge' });
    const socket = last();
    socket.open();
    const me = bridge.invoke('team:me', {});
    expect(socket.sent).toEqual([]);
    socket.frame({ type: 'ready' });
    expect(events).toEqual([{ kind: 'ready', reconnected: false }]);
    expect(socket.sent).toEqual([{ type: 'invoke', id: 1, channel: 'team:me', request: {} }]);
    socket.frame({ type: 'result', id: 1, ok: true, result: { mode: 'single' } });
    await expect(me).resolves.toEqual({ mode: 'single' });
  });

  it('a 4401 close is final: the reason is reported once, nothing is tried again and no request is sent', async () => {
    const events: LinkEvent[] = [];
    const bridge = createWsBridge({ token: null, onLink: (e) => events.push(e), url: 'ws://x/bridge' });
    const pending = bridge.invoke('console:snapshot', {});
    last().closeWith(4401, 'your access was revoked');
    expect(await failure(pending)).toMatch(/Not sent/);
    expect(events).toEqual([{ kind: 'refused', reason: 'your access was revoked' }]);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.made).toHaveLength(1);
    expect(await failure(bridge.invoke('team:me', {}))).toMatch('Not sent: signed out (your access was revoked).');
  });

  it('any other close reconnects on its own, says so, refuses requests meanwhile, and is ready again after', async () => {
    const events: LinkEvent[] = [];
    const bridge = createWsBridge({ token: null, onLink: (e) => events.push(e), url: 'ws://x/bridge' });
    last().frame({ type: 'ready' });
    const inFlight = bridge.invoke('routing:execute', { intentId: 'i-1' });
    last().closeWith(1006);
    expect(await failure(inFlight)).toMatch(/may or may not have been carried out/);
    expect(events.at(-1)).toEqual({ kind: 'dropped', reason: 'code 1006', attempt: 1, retryInMs: 1000 });
    expect(await failure(bridge.invoke('routing:execute', { intentId: 'i-2' }))).toMatch(/Not sent: the connection to the console dropped/);

    vi.advanceTimersByTime(1000);
    expect(FakeSocket.made).toHaveLength(2);
    last().closeWith(1006, 'server gone');
    expect(events.at(-1)).toEqual({ kind: 'dropped', reason: 'server gone', attempt: 2, retryInMs: 1000 });
    vi.advanceTimersByTime(1000);
    last().frame({ type: 'ready' });
    expect(events.at(-1)).toEqual({ kind: 'ready', reconnected: true });
    const again = bridge.invoke('team:me', {});
    expect(last().sent).toEqual([{ type: 'invoke', id: 2, channel: 'team:me', request: {} }]);
    last().frame({ type: 'result', id: 2, ok: false, error: 'Refused: a viewer may not act on the launch (team:take-shift). Ask an admin if you need it.' });
    expect(await failure(again)).toMatch(/^Refused:/);
  });

  it('waits a second before the first retries and at most five seconds later on', () => {
    expect([1, 2, 3, 4, 5, 50].map(retryDelayMs)).toEqual([1000, 1000, 2000, 3000, 5000, 5000]);
  });
});
