import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../shared/bridge.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import { DEFAULT_INTENTS } from '../../shared/protocol.js';
import { HOUR_MS, RegressionCaseSchema, type TimeRange } from '../../shared/sampling.js';
import { createBridgeDispatcher, type BridgeDispatch } from '../../electron/core/engine/bridge-dispatch.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';

/**
 * A simulated day of a launch, played on the simulator's manual clock into a real console
 * engine over loopback, then sampled, annotated, exported, and read back after a restart.
 * Every request goes through the bridge dispatcher, as the renderer's do.
 */

const T0 = Date.UTC(2026, 4, 12, 6);
const DAY: TimeRange = { from: T0, to: T0 + 24 * HOUR_MS };
// What the simulator's callers say (sim/scripts.ts); the test looks for them independently of the masker.
const RAW_PII = [/\(\d{3}\) 555-\d{4}/g, /\b4\d{3}(?: \d{4}){3}\b/g, /[a-z]+\.[a-z]+\d+@[a-z.]+\.(?:com|org|net)/g];
const NOTE_WITH_PII = 'Caller repeated her card 4111 1111 1111 1111 and jo.berg@example.com twice';

let sim: SimHandle;
let dataDir: string;
let service: ConsoleService;
let dispatch: BridgeDispatch;

async function startService(): Promise<void> {
  const config = LaunchConfigSchema.parse({ stream: { url: sim.url }, routing: { baseUrl: sim.url } });
  service = await ConsoleService.open({ config, dataDir, routingToken: sim.token });
  dispatch = createBridgeDispatcher(service.handlers);
  service.start();
  await until(() => service.stream.status().launchId !== null, 'the stream hello');
  await dispatch('operator:set-shift-owner', { name: 'Dana' });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const limit = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function rawPii(text: string): string[] {
  return RAW_PII.flatMap((re) => text.match(re) ?? []);
}

beforeAll(async () => {
  // Reveal and unmasked exports need the originals, kept encrypted with a key from outside the data folder.
  process.env.LAUNCH_PII_KEY = randomBytes(32).toString('base64');
  sim = await startSimulator({ manualClock: true, startTime: T0, seed: 17, rate: 0.08 });
  dataDir = mkdtempSync(join(tmpdir(), 'sampling-feature-'));
  await startService();
  for (let h = 0; h < 24; h++) {
    sim.advance(HOUR_MS);
    await until(() => service.stream.status().seq === sim.seq(), `hour ${h + 1} of calls`);
  }
});
afterAll(async () => {
  await service.stop();
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('call sampling over a simulated day', () => {
  let sessionId = '';
  let detail: SessionDetail;

  it('keeps a bounded share of the day and draws a 24-call sample across every intent, reproducible from its seed', async () => {
    const view = service.snapshot().sampling;
    expect(view.seenCalls).toBe(sim.emittedCalls);
    expect(view.seenCalls).toBeGreaterThan(5000);
    expect(view.keptCalls).toBeLessThan(view.seenCalls);
    expect(view.span?.from).toBe(T0);

    const item = (await dispatch('sampling:start', { name: 'End of day 1', range: DAY, size: 24 })) as { id: string; seed: number; progress: unknown };
    sessionId = item.id;
    expect(item.progress).toEqual({ annotated: 0, total: 24 });
    detail = (await dispatch('sampling:session', { sessionId })) as SessionDetail;
    const { session, calls } = detail.stored;
    expect(calls).toHaveLength(24);
    expect(new Set(calls.map((c) => c.intent))).toEqual(new Set(DEFAULT_INTENTS));
    for (const row of detail.spread) {
      expect(Math.abs(row.sampled - row.ideal)).toBeLessThanOrEqual(1);
      expect(row.trafficFailureShare).not.toBeNull();
    }
    expect(detail.spread.reduce((n, r) => n + r.traffic, 0)).toBe(view.seenCalls);

    const again = (await dispatch('sampling:start', { name: 'Same seed', range: DAY, size: 24, seed: session.seed })) as { id: string };
    const repeat = (await dispatch('sampling:session', { sessionId: again.id })) as SessionDetail;
    expect(repeat.stored.session.callIds).toEqual(session.callIds);

    const draws = service.audit.entries({ type: 'annotation', text: 'Drew sampling session' });
    expect(draws.map((e) => e.operator)).toEqual(['Dana', 'Dana']);
    expect(draws[0]?.data).toMatchObject({ sessionId, seed: session.seed, calls: 24 });
  });

  it('shows transcripts masked, and reveals one call only with an audit entry naming who and which call', async () => {
    const shown = JSON.stringify(detail.stored.calls);
    expect(rawPii(shown)).toEqual([]);
    const withPii = detail.stored.calls.find((c) => (detail.maskedItems[c.id] ?? 0) > 0);
    if (!withPii) throw new Error('the sample holds no call with personal data to mask');

    const revealed = (await dispatch('sampling:reveal', { sessionId, callId: withPii.id })) as SessionDetail;
    expect(revealed.revealedCallId).toBe(withPii.id);
    const plain = revealed.stored.calls.find((c) => c.id === withPii.id);
    expect(rawPii(JSON.stringify(plain)).length).toBeGreaterThan(0);
    const others = revealed.stored.calls.filter((c) => c.id !== withPii.id);
    expect(rawPii(JSON.stringify(others))).toEqual([]);

    const reveals = service.audit.entries({ type: 'reveal' });
    expect(reveals).toHaveLength(1);
    expect(reveals[0]).toMatchObject({ operator: 'Dana', data: { sessionId, callId: withPii.id } });
  });

  it('saves annotations at once and exports them and the regression cases masked by default', async () => {
    const [first, second, third] = detail.stored.calls;
    if (!first || !second || !third) throw new Error('sample too small');
    await dispatch('sampling:annotate', { sessionId, callId: first.id, verdict: 'pass' });
    await dispatch('sampling:annotate', { sessionId, callId: second.id, verdict: 'fail' });
    await dispatch('sampling:annotate', { sessionId, callId: second.id, categories: ['asr_error', 'latency'] });
    const saved = (await dispatch('sampling:annotate', { sessionId, callId: second.id, note: NOTE_WITH_PII })) as {
      annotation: { verdict: string; categories: string[]; updatedBy: string };
      progress: unknown;
      summary: { failed: number };
    };
    expect(saved.annotation).toMatchObject({ verdict: 'fail', categories: ['asr_error', 'latency'], updatedBy: 'Dana' });
    expect(saved.progress).toEqual({ annotated: 2, total: 24 });
    expect(saved.summary.failed).toBe(1);
    await dispatch('sampling:annotate', { sessionId, callId: third.id, verdict: 'fail', categories: ['wrong_tool'] });
    await expect(dispatch('sampling:annotate', { sessionId, callId: 'not-in-session', verdict: 'pass' })).rejects.toThrow(/not in sampling session/);

    const csv = (await dispatch('sampling:export', { sessionId, kind: 'annotations-csv' })) as { fileName: string; content: string };
    expect(csv.fileName).toMatch(/^end-of-day-1-\d{4}-\d{2}-\d{2}-annotations\.csv$/);
    expect(csv.content.trim().split('\r\n')).toHaveLength(25);
    expect(csv.content).not.toContain('4111 1111 1111 1111');
    expect(csv.content).not.toContain('jo.berg@example.com');
    expect(csv.content).toContain('[card ••••1111]');

    const json = (await dispatch('sampling:export', { sessionId, kind: 'annotations-json' })) as { content: string };
    expect(JSON.parse(json.content).annotations).toHaveLength(3);
    expect(json.content).not.toContain('jo.berg@example.com');

    const cases = (await dispatch('sampling:export', { sessionId, kind: 'regression-cases' })) as { content: string };
    const parsed = RegressionCaseSchema.array().parse(JSON.parse(cases.content));
    expect(parsed.map((c) => c.sourceCallId)).toEqual([second.id, third.id]);
    expect(parsed[0]).toMatchObject({ intent: second.intent, category: 'asr_error' });
    expect(parsed[0]?.callerTurns.length).toBeGreaterThan(0);
    expect(rawPii(cases.content)).toEqual([]);
    expect(service.audit.entries({ type: 'reveal' })).toHaveLength(1);

    const unmasked = (await dispatch('sampling:export', { sessionId, kind: 'regression-cases', unmasked: true })) as { fileName: string; content: string };
    expect(unmasked.content).toContain('4111 1111 1111 1111');
    expect(unmasked.fileName).toContain('UNMASKED');
    expect(service.audit.entries({ type: 'reveal' }).at(-1)).toMatchObject({ operator: 'Dana', data: { sessionId, kind: 'regression-cases' } });
  });

  it('saves a note typed key by key on every key, and audits the spell of typing once', async () => {
    const call = detail.stored.calls[3];
    if (!call) throw new Error('sample too small');
    const entriesFor = () => service.audit.entries({ type: 'annotation' }).filter((e) => e.data?.callId === call.id);
    for (const note of ['l', 'lo', 'lon', 'long pause']) {
      const saved = (await dispatch('sampling:annotate', { sessionId, callId: call.id, note })) as { annotation: { note: string } };
      expect(saved.annotation.note).toBe(note);
    }
    expect(entriesFor()).toHaveLength(1);
    expect(entriesFor()[0]?.summary).toMatch(/note \(1 characters\)$/);

    await dispatch('sampling:annotate', { sessionId, callId: call.id, verdict: 'fail' });
    await dispatch('sampling:annotate', { sessionId, callId: call.id, note: 'long pause before the transfer' });
    expect(entriesFor().map((e) => e.summary.replace(/^.*: /, ''))).toEqual(['note (1 characters)', 'verdict fail', 'note (30 characters)']);
    const reloaded = (await dispatch('sampling:session', { sessionId })) as SessionDetail;
    expect(reloaded.annotations.find((a) => a.callId === call.id)).toMatchObject({ verdict: 'fail', note: 'long pause before the transfer' });
    // Back to three judged calls, as the restart test below expects.
    await dispatch('sampling:annotate', { sessionId, callId: call.id, verdict: null });
  });

  it('fetches a call recording through the core as WAV', async () => {
    const call = detail.stored.calls.find((c) => c.recordingUrl);
    if (!call) throw new Error('no call with a recording in the sample');
    const recording = await dispatch('sampling:recording', { sessionId, callId: call.id });
    if (!recording || typeof recording !== 'object' || !('base64' in recording)) throw new Error(`no recording: ${JSON.stringify(recording)}`);
    const wav = Buffer.from(String(recording.base64), 'base64');
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
  });

  it('keeps the held calls, the session and its annotations across a restart on the same data directory', async () => {
    const before = service.snapshot().sampling;
    const annotationsBefore = ((await dispatch('sampling:session', { sessionId })) as SessionDetail).annotations;
    await service.stop();

    await startService();
    // The stream replays its whole buffer to a console that starts afresh: none of it may count twice.
    await until(() => service.stream.status().seq === sim.seq(), 'the replayed buffer');
    const after = service.snapshot().sampling;
    expect(after).toMatchObject({ keptCalls: before.keptCalls, seenCalls: before.seenCalls, sessions: before.sessions });
    const list = (await dispatch('sampling:sessions', {})) as { id: string; progress: unknown }[];
    expect(list.find((s) => s.id === sessionId)?.progress).toEqual({ annotated: 3, total: 24 });
    const reloaded = (await dispatch('sampling:session', { sessionId })) as SessionDetail;
    expect(reloaded.annotations).toEqual(annotationsBefore);
    expect(reloaded.stored.session.callIds).toEqual(detail.stored.session.callIds);

    // The sampler carries on with the calls of the next hours.
    sim.advance(HOUR_MS);
    await until(() => service.stream.status().seq === sim.seq(), 'the next hour of calls');
    expect(service.snapshot().sampling.seenCalls).toBeGreaterThan(before.seenCalls);
  });
});
