import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import { fetchRecording } from '../../electron/core/sampling/fetch-recording.js';
import { maskCall } from '../../electron/core/sampling/mask-call.js';
import { ReplayGuard } from '../../electron/core/sampling/replay-guard.js';
import { FileJsonDocument } from '../../electron/core/storage/file-storage.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';

/** The sampling feature's helpers at their edges: recordings that cannot be had, loose records, restarts. */

let sim: SimHandle;
let server: Server;
let serverUrl = '';
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ manualClock: true, seed: 3, rate: 1 });
  // One server for the ways a recording host misbehaves: it hangs, or answers with a web page.
  server = createServer((req, res) => {
    if (req.url === '/hang.wav') return;
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>sign in</html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'sampling-edges-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fetching a recording', () => {
  it('says why when there is nothing to play', async () => {
    expect(await fetchRecording(undefined)).toEqual({ missing: expect.stringMatching(/no recording/) });
    expect(await fetchRecording('file:///etc/passwd')).toEqual({ missing: expect.stringMatching(/only http and https/) });
    expect(await fetchRecording('not a url')).toEqual({ missing: expect.stringMatching(/not a valid address/) });
    expect(await fetchRecording(`${sim.url}/recordings/zzz-1-a0-00.wav`)).toEqual({ missing: expect.stringMatching(/HTTP 404/) });
    expect(await fetchRecording(`${serverUrl}/page.wav`)).toEqual({ missing: expect.stringMatching(/did not send audio \(content-type text\/html\)/) });
    expect(await fetchRecording(`${serverUrl}/hang.wav`, { timeoutMs: 150 })).toEqual({ missing: expect.stringMatching(/did not answer within 0.15 s/) });
  });

  it('names the address it could not reach', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const result = await fetchRecording(`http://127.0.0.1:${port}/recordings/x.wav`);
    expect(result).toEqual({ missing: expect.stringMatching(new RegExp(`could not be fetched from http://127.0.0.1:${port}/recordings/x.wav: .*ECONNREFUSED`)) });
  });

  it('refuses a recording over the size the console plays', async () => {
    sim.advance(5 * 60_000);
    const id = await firstConnectedCallId();
    const result = await fetchRecording(`${sim.url}/recordings/${id}.wav`, { maxBytes: 1000 });
    expect(result).toEqual({ missing: expect.stringMatching(/over the 0.0 MB the console plays/) });
  });
});

/** A call id of the simulator's run that has a recording, found through its stream. */
async function firstConnectedCallId(): Promise<string> {
  const socket = io(`${sim.url}/launch`, { transports: ['websocket'], auth: { since: 0 } });
  try {
    return await new Promise<string>((resolve) => {
      socket.on('call', (e: { call: CallRecord }) => {
        if (e.call.recordingUrl) resolve(e.call.id);
      });
    });
  } finally {
    socket.close();
  }
}

describe('masking a call record', () => {
  const call: CallRecord = {
    id: 'c-1',
    startedAt: '2026-05-12T06:00:00.000Z',
    endedAt: '2026-05-12T06:01:00.000Z',
    intent: 'billing_question',
    agentVersion: 'v2.0.0',
    route: 'agent',
    connected: true,
    outcome: 'failed',
    turns: [
      { speaker: 'caller', text: 'My card is 4111 1111 1111 1111, call me on (415) 555-0132', startMs: 0, endMs: 900, sttConfidence: 0.9 },
      { speaker: 'agent', text: 'Thanks, I will e-mail ana.diaz@example.com', startMs: 1000, endMs: 2000, latencyMs: 700 },
    ],
    toolCalls: [{ name: 'crm.lookup', ok: false, latencyMs: 90, error: 'no account for 415-555-0132', args: { email: 'ana.diaz@example.com' } }],
    errors: [{ kind: 'tool', message: 'lookup failed for ana.diaz@example.com' }],
    safety: { pii: 1, policy: 0, injection: 0 },
    recordingUrl: 'http://127.0.0.1:4100/recordings/c-1.wav',
    callerNote: 'SSN 123-45-6789',
  };

  it('masks every piece of free text, the fields a platform added included, and leaves the structure alone', () => {
    const { call: masked, found } = maskCall(call);
    const text = JSON.stringify(masked);
    for (const raw of ['4111 1111 1111 1111', '555-0132', 'ana.diaz@example.com', '123-45-6789']) expect(text).not.toContain(raw);
    expect(masked.turns[0]?.text).toBe('My card is [card ••••1111], call me on [phone ••••0132]');
    expect(masked.toolCalls[0]).toMatchObject({ name: 'crm.lookup', error: 'no account for [phone ••••0132]', args: { email: '[email]' } });
    expect(masked.errors[0]).toEqual({ kind: 'tool', message: 'lookup failed for [email]' });
    expect(masked.callerNote).toBe('SSN [national id]');
    expect(found).toBe(7);
    const structure = ({ turns, toolCalls: _tools, errors: _errors, callerNote: _note, ...rest }: CallRecord) => ({
      ...rest,
      turns: turns.map(({ text: _text, ...timing }) => timing),
    });
    expect(structure(masked)).toEqual(structure(call));
  });
});

describe('the replay guard', () => {
  it('passes over calls of the launch counted before a restart, and reports a mark it cannot read', async () => {
    const path = join(dir, 'counted-until.json');
    const open = (clock: () => number) => ReplayGuard.open({ doc: new FileJsonDocument(path), clock });
    let clock = 0;
    const first = await open(() => clock);
    expect(first.isNew('launch-a', 1_000)).toBe(true);
    first.counted('launch-a', 1_000);
    first.counted('launch-a', 3_000);
    first.counted('launch-a', 2_000);
    await first.save();

    const second = await open(() => clock);
    expect([second.isNew('launch-a', 2_000), second.isNew('launch-a', 3_000), second.isNew('launch-a', 3_001)]).toEqual([false, false, true]);
    // Another launch's calls (a new simulator run with the same data directory) are all new.
    expect(second.isNew('launch-b', 2_000)).toBe(true);
    second.counted('launch-a', 5_000);
    clock += 5_000;
    second.counted('launch-a', 6_000);
    // The save that counting began runs on its own; it is done before the next macrotask.
    await new Promise((r) => setImmediate(r));
    expect((await open(() => clock)).countedAtStart).toEqual({ launchId: 'launch-a', lastEndedAtMs: 6_000 });

    writeFileSync(path, '{"lastEnd');
    const damaged = await open(() => clock);
    expect(damaged.countedAtStart).toBeNull();
    expect(damaged.problem).toMatch(/could not be read .* counted twice/);
  });
});
