import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LaunchConfigSchema } from '../../shared/config.js';
import { STREAM_NAMESPACE, type CallRecord } from '../../shared/protocol.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { SECRETS, postRetell, postTwilio, postVapi, retellAnalyzed, retellCall, twilioStatus, vapiCompleted, vapiReport } from '../support/relay-fixtures.js';
import { freePort, startRelayProcess, writeRelayConfig, type RelayProcess } from '../support/relay-process.js';

/**
 * End to end: the relay as its own process, fixtures POSTed as the platforms would, the
 * console engine connected to its stream with the stream token, and the figures it shows
 * checked against values worked out by hand. The relay is killed with kill -9 between
 * deliveries and in the middle of a burst, and restarted on the same data folder: the
 * platforms' retries then leave every call counted exactly once.
 */

let dir: string;
let configPath: string;
let relay: RelayProcess;
let service: ConsoleService;
const NOW = Date.now();
const at = (minAgo: number) => NOW - minAgo * 60_000;

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const limit = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const window60 = () => service.snapshot().metrics?.windows[60].overall;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-e2e-'));
  const port = await freePort();
  configPath = writeRelayConfig(dir, port, { retell: { apiKeyEnv: 'RETELL_API_KEY', holdSec: 1, quietAfterSec: 2 } });
  relay = await startRelayProcess(configPath);
  const config = LaunchConfigSchema.parse({ stream: { url: relay.url, staleAfterSec: 5 }, routing: { baseUrl: 'http://127.0.0.1:9' } });
  service = await ConsoleService.open({ config, dataDir: join(dir, 'console'), streamToken: SECRETS.stream, pushIntervalMs: 50 });
  service.start();
  await until(() => service.stream.status().launchId === 'spring-launch', 'the hello from the relay');
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the console shows the launch the platforms report through the relay', () => {
  it('every delivery answered 2xx survives kill -9 between deliveries', async () => {
    const e1 = vapiCompleted('e1', { startedAt: at(10), endedAt: at(9), twilioSid: 'CAe1' });
    expect((await postVapi(relay.url, e1)).status).toBe(200);
    expect((await postVapi(relay.url, vapiReport({ id: 'e2', endedReason: 'customer-did-not-answer', startedAt: at(9), endedAt: at(9) }))).status).toBe(200);
    expect((await postVapi(relay.url, vapiReport({ id: 'e3', endedReason: 'pipeline-error-openai-llm-failed', startedAt: at(8), endedAt: at(7) }))).status).toBe(200);
    const transfer = vapiCompleted('e4', {
      startedAt: at(7),
      endedAt: at(6),
      endedReason: 'assistant-forwarded-call',
      transfers: [{ destination: { type: 'number', number: '+15550100999' }, mode: 'warm-transfer-say-summary', status: 'connected' }],
    });
    expect((await postVapi(relay.url, transfer)).status).toBe(200);
    expect((await postTwilio(relay.url, twilioStatus('CAe6', 'busy', 1, { Timestamp: new Date(at(5)).toUTCString() }))).status).toBe(200);
    expect((await postTwilio(relay.url, twilioStatus('CAe8', 'completed', 3, { To: '+15550100999', Timestamp: new Date(at(5)).toUTCString() }))).status).toBe(200);
    expect((await postTwilio(relay.url, twilioStatus('CAe1', 'completed', 3, { Timestamp: new Date(at(9)).toUTCString() }))).status).toBe(200);

    // Killed while the two Twilio-only calls still wait out their hold: the journal re-arms them.
    await relay.kill9();
    relay = await startRelayProcess(configPath);

    const base = retellCall('e5', { start_timestamp: at(4), end_timestamp: at(3) });
    expect((await postRetell(relay.url, { event: 'call_ended', call: base })).status).toBe(200);
    expect((await postRetell(relay.url, retellAnalyzed(base, 'billing_question', true))).status).toBe(200);
    // A platform retrying a delivery it sent before the crash: answered, counted once.
    expect((await postVapi(relay.url, vapiReport({ id: 'e2', endedReason: 'customer-did-not-answer', startedAt: at(9), endedAt: at(9) }))).json.outcome).toBe('duplicate');
    await until(() => window60()?.allCalls === 7, 'seven calls on the console');
  }, 60_000);

  it('the 60-minute figures are the ones these calls imply, worked out by hand', async () => {
    // Calls: e1 completed, e2 never connected, e3 model error, e4 warm transfer with summary,
    // e5 Retell completed (billing), CAe6 busy (agent number, never connected), CAe8 human line.
    // The Twilio callback for e1 merged into it. Agent calls 6, connected 4 (e1 e3 e4 e5).
    const w = window60();
    expect(w).toMatchObject({ allCalls: 7, calls: 6, connected: 4, toolCalls: 3, escalations: 1 });
    const k = w?.kpis;
    expect(k?.failedConnectionRate).toBeCloseTo(2 / 6, 10);
    expect(k?.taskCompletion).toBeCloseTo(2 / 4, 10);
    expect(k?.containment).toBeCloseTo(3 / 4, 10);
    expect(k?.modelErrorRate).toBeCloseTo(1 / 6, 10);
    expect(k?.agentErrorRate).toBeCloseTo(1 / 6, 10);
    expect(k?.toolSuccess).toBe(1);
    expect(k?.escalationCorrectness).toBe(1);
    expect(k?.fallbackRate).toBe(0);
    expect(k?.interruptionRate).toBe(0);
    expect(k?.piiEvents).toBe(0);
    expect(k?.callRate).toBeCloseTo(7 / 60, 10);
    // Agent turn latencies: e1 and e4 800 (greeting), 900, 700; e5 500 (greeting), 1100.
    // Nearest rank of 8 values: P50 the 4th (800), P95 the 8th (1100); bins are within 2%.
    expect(k?.turnLatencyP50).toBeGreaterThanOrEqual(800 / 1.02);
    expect(k?.turnLatencyP50).toBeLessThanOrEqual(800 * 1.02);
    expect(k?.turnLatencyP95).toBeGreaterThanOrEqual(1100 / 1.02);
    expect(k?.turnLatencyP95).toBeLessThanOrEqual(1100 * 1.02);
    // First words: 800, 800, 500: the 3rd of 3 is 800.
    expect(k?.timeToFirstWordP95).toBeGreaterThanOrEqual(800 / 1.02);
    expect(k?.timeToFirstWordP95).toBeLessThanOrEqual(800 * 1.02);
    const billing = service.snapshot().metrics?.windows[60].intents.billing_question;
    expect(billing).toMatchObject({ calls: 1, connected: 1 });
  });

  it('says Retell has gone quiet while the stream stays live', async () => {
    await until(() => (service.stream.status().quietPlatforms ?? []).some((q) => q.platform === 'retell'), 'Retell quiet', 10_000);
    const status = service.stream.status();
    expect(status.phase).toBe('live');
    expect(status.quietPlatforms?.map((q) => q.platform)).toEqual(['retell']);
  });

  it('a burst killed mid-flight and retried by the platforms leaves each call once, seqs consecutive', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `burst-${i}`);
    const acked = new Set<string>();
    const sending = Promise.all(
      ids.map((id, i) =>
        new Promise((r) => setTimeout(r, i * 5))
          .then(() => postVapi(relay.url, vapiCompleted(id, { startedAt: at(2), endedAt: at(1) })))
          .then((res) => res.status === 200 && acked.add(id))
          .catch(() => undefined),
      ),
    );
    await until(() => acked.size >= 60, 'part of the burst acknowledged');
    await relay.kill9();
    await sending;
    const ackedBeforeKill = acked.size;
    expect(ackedBeforeKill).toBeLessThan(200);
    relay = await startRelayProcess(configPath);
    // Every platform retries what it got no 2xx for; re-sending what was acknowledged is harmless too.
    const outcomes = await Promise.all(ids.map((id) => postVapi(relay.url, vapiCompleted(id, { startedAt: at(2), endedAt: at(1) }))));
    expect(outcomes.every((o) => o.status === 200)).toBe(true);
    expect(outcomes.filter((o) => o.json.outcome === 'duplicate').length).toBeGreaterThanOrEqual(ackedBeforeKill);

    const reader = io(`${relay.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], auth: { token: SECRETS.stream, since: 0 } });
    const seen: { seq: number; call: CallRecord }[] = [];
    reader.on('call', (e: { seq: number; call: CallRecord }) => seen.push(e));
    await until(() => seen.length >= 207, 'the whole stream replayed');
    await new Promise((r) => setTimeout(r, 300));
    reader.close();
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    const callIds = seen.map((e) => e.call.id);
    expect(new Set(callIds).size).toBe(callIds.length);
    expect(callIds.filter((id) => id.startsWith('vapi-burst-')).length).toBe(200);
    expect(callIds.length).toBe(207);
    await until(() => window60()?.allCalls === 207, 'the console counting every call once');
  }, 90_000);
});
