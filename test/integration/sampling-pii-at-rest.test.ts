import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../shared/bridge.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import { STREAM_NAMESPACE, type CallRecord } from '../../shared/protocol.js';
import { HOUR_MS } from '../../shared/sampling.js';
import { createBridgeDispatcher, type BridgeDispatch } from '../../electron/core/engine/bridge-dispatch.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';

/**
 * A launch with the simulator's pii-leak fault: callers give their phone, card and e-mail, and
 * the agent reads them back. The console keeps calls, draws and annotates a sample, reveals a
 * call and restarts; then every file of the data folder is searched for what the simulator
 * planted, as written and as bare digits. The key lives outside the folder (a key file).
 */

const T0 = Date.UTC(2026, 5, 2, 8);
let sim: SimHandle;
let dataDir: string;
let keyDir: string;
let listener: Socket;
const heard: CallRecord[] = [];

const PLANTED = [/\(\d{3}\) 555-\d{4}/g, /\b4\d{3}(?: \d{4}){3}\b/g, /\b[a-z]+\.[a-z]+\d+@[a-z.]+\.(?:com|org|net)\b/g];

function planted(calls: readonly CallRecord[]): Set<string> {
  const out = new Set<string>();
  for (const c of calls) for (const t of c.turns) for (const re of PLANTED) for (const m of t.text.match(re) ?? []) out.add(m);
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const limit = Date.now() + 30_000;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function openConsole(): Promise<{ service: ConsoleService; dispatch: BridgeDispatch }> {
  const config = LaunchConfigSchema.parse({ stream: { url: sim.url }, routing: { baseUrl: sim.url } });
  const service = await ConsoleService.open({ config, dataDir, routingToken: sim.token });
  const dispatch = createBridgeDispatcher(service.handlers);
  service.start();
  await until(() => service.stream.status().launchId !== null, 'the stream hello');
  await dispatch('operator:set-shift-owner', { name: 'Dana' });
  return { service, dispatch };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pii-at-rest-data-'));
  keyDir = mkdtempSync(join(tmpdir(), 'pii-at-rest-key-'));
  const keyFile = join(keyDir, 'pii.key');
  writeFileSync(keyFile, randomBytes(32).toString('base64'));
  process.env.LAUNCH_PII_KEY_FILE = keyFile;
  sim = await startSimulator({ manualClock: true, startTime: T0, seed: 29, rate: 0.1, scenarios: ['pii-leak'] });
  listener = io(`${sim.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  listener.on('call', (e: { call: CallRecord }) => heard.push(e.call));
  await until(() => listener.connected, 'the listening socket');
});
afterAll(async () => {
  listener.close();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

describe('personal data at rest after a pii-leak launch', () => {
  it('leaves none of the planted phone numbers, cards or e-mail addresses in the data folder, and still reveals with the key', async () => {
    let { service, dispatch } = await openConsole();
    for (let h = 0; h < 3; h++) {
      sim.advance(HOUR_MS);
      await until(() => service.stream.status().seq === sim.seq() && heard.length === sim.emittedCalls, `hour ${h + 1}`);
    }
    const range = { from: T0, to: T0 + 3 * HOUR_MS };
    const { id: sessionId } = (await dispatch('sampling:start', { name: 'Leak check', range, size: 30, seed: 7, overweightFailures: true })) as { id: string };
    const detail = (await dispatch('sampling:session', { sessionId })) as SessionDetail;
    // A call the simulator planted data in, as the platform sent it: the masker also masks other
    // numbers (a bare 10-digit run reads as a phone), so its count alone does not tell which these are.
    const raw = new Map(heard.map((c) => [c.id, c]));
    const leaky = detail.stored.calls.find((c) => (detail.maskedItems[c.id] ?? 0) > 0 && planted([raw.get(c.id) ?? c]).size > 0);
    if (!leaky) throw new Error('the sample holds no call with personal data');
    await dispatch('sampling:annotate', { sessionId, callId: leaky.id, verdict: 'fail', categories: ['policy_safety'], note: 'agent read the card back' });
    const revealed = (await dispatch('sampling:reveal', { sessionId, callId: leaky.id })) as SessionDetail;
    const plain = revealed.stored.calls.find((c) => c.id === leaky.id) as CallRecord;
    expect(planted([plain]).size).toBeGreaterThan(0);
    await service.stop();
    ({ service, dispatch } = await openConsole());
    const again = (await dispatch('sampling:reveal', { sessionId, callId: leaky.id })) as SessionDetail;
    expect(planted(again.stored.calls.filter((c) => c.id === leaky.id))).toEqual(planted([plain]));
    await service.stop();

    const secrets = planted(heard);
    expect(heard.filter((c) => c.safety.pii > 0).length).toBeGreaterThan(10);
    expect(secrets.size).toBeGreaterThan(50);
    const files = filesUnder(dataDir);
    expect(files.map((f) => f.slice(dataDir.length))).toEqual(expect.arrayContaining(['/kept-calls.jsonl', '/sampling-sessions.jsonl']));
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const s of secrets) {
        const digits = s.replace(/\D/g, '');
        if (text.includes(s) || (digits.length >= 10 && text.includes(digits))) found.push(`${s} in ${file.slice(dataDir.length)}`);
      }
    }
    expect(found).toEqual([]);
  });
});
