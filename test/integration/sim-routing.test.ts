import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { RoutingStateSchema, STREAM_NAMESPACE, type CallRecord, type RoutingState } from '../../shared/protocol.js';
import { encodeCallId } from '../../sim/call-id.js';
import type { FaultName } from '../../sim/faults.js';
import type { SimHandle } from '../../sim/server.js';
import { simulatorsFor } from './support/simulators.js';

const T0 = Date.UTC(2026, 3, 1, 8);
const MINUTE = 60_000;

const { sim, track } = simulatorsFor({ startTime: T0, seed: 33, rate: 2, token: 'routing-secret' });

/** Every call the stream delivers from the start of the run. */
function watchCalls(s: SimHandle): { calls: CallRecord[]; caughtUp(): Promise<void> } {
  const socket = io(`${s.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { since: 0 } });
  track(socket);
  const calls: CallRecord[] = [];
  let newest = 0;
  socket.on('call', (e: { seq: number; call: CallRecord }) => calls.push(e.call));
  socket.onAny((_name: string, e: { seq?: number }) => {
    if (_name !== 'hello' && _name !== 'heartbeat' && typeof e?.seq === 'number') newest = e.seq;
  });
  return {
    calls,
    async caughtUp() {
      const limit = Date.now() + 15_000;
      while (newest !== s.seq()) {
        if (Date.now() > limit) throw new Error('gave up waiting for the stream to catch up');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

interface Reply {
  status: number;
  body: unknown;
  headers: Headers;
}

async function call(s: SimHandle, method: string, path: string, opts: { body?: unknown; key?: string; token?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = opts.token === undefined ? s.token : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (opts.key) headers['idempotency-key'] = opts.key;
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers,
    ...(opts.body === undefined ? {} : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const act = (s: SimHandle, body: object, key: string = crypto.randomUUID()) => call(s, 'POST', '/routing/actions', { body, key });
const startedAfter = (calls: CallRecord[], t: number) => calls.filter((c) => Date.parse(c.startedAt) > t);
const startedBy = (calls: CallRecord[], t: number) => calls.filter((c) => Date.parse(c.startedAt) <= t);

describe('routing provider API', () => {
  it('guards every endpoint but recordings with the bearer token', async () => {
    const s = await sim();
    expect(s.token).toBe('routing-secret');
    for (const [method, path] of [['GET', '/routing'], ['POST', '/routing/actions'], ['GET', '/sim/stats'], ['POST', '/sim/faults'], ['POST', '/sim/stream']] as const) {
      const body = method === 'POST' ? {} : undefined;
      const missing = await call(s, method, path, { token: null, body });
      expect(missing.status, `${method} ${path}`).toBe(401);
      expect(missing.body).toEqual({ error: 'authorization: a bearer token is required' });
      expect((await call(s, method, path, { token: 'nope', body })).status).toBe(401);
    }
    const ok = await call(s, 'GET', '/routing');
    expect(ok.status).toBe(200);
    expect(RoutingStateSchema.parse(ok.body)).toMatchObject({
      version: 0, mode: 'live', agentShare: 100, agentVersion: 'v2.0.0', previousVersion: 'v1.9.3',
    });
  });

  it('generates a token when none is given', async () => {
    const s = await sim({ token: undefined });
    expect(s.token.length).toBeGreaterThanOrEqual(24);
    expect((await call(s, 'GET', '/routing')).status).toBe(200);
  });

  it('refuses bad requests with a message naming what was wrong', async () => {
    const s = await sim();
    const noKey = await call(s, 'POST', '/routing/actions', { body: { action: 'pause_ramp', operator: 'ana' } });
    expect(noKey).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^Idempotency-Key: /) } });
    const badAction = await act(s, { action: 'explode', operator: 'ana' });
    expect(badAction).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^action: /) } });
    const noOperator = await act(s, { action: 'pause_ramp' });
    expect(noOperator).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^operator: /) } });
    const notJson = await call(s, 'POST', '/routing/actions', { body: '{', key: 'k' });
    expect(notJson).toMatchObject({ status: 400, body: { error: '(root): body is not valid JSON' } });
    expect(await act(s, { action: 'set_share', operator: 'ana' })).toMatchObject({ status: 400, body: { error: 'share: required for set_share' } });
    expect(await act(s, { action: 'route_fallback', intents: ['nope'], operator: 'ana' })).toMatchObject({
      status: 400, body: { error: expect.stringMatching(/^intents: unknown intent 'nope'/) },
    });
    expect((await call(s, 'GET', '/nowhere')).status).toBe(404);
    expect((await call(s, 'PUT', '/routing')).status).toBe(405);
    expect(s.appliedActions).toBe(0);
    expect(s.routing().version).toBe(0);
  });

  it('applies an action once per idempotency key', async () => {
    const s = await sim();
    const body = { action: 'pause_ramp', operator: 'ana', reason: 'latency climbing' };
    const first = await act(s, body, 'key-1');
    const again = await act(s, { reason: 'latency climbing', operator: 'ana', action: 'pause_ramp' }, 'key-1');
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(s.appliedActions).toBe(1);
    expect(RoutingStateSchema.parse(first.body)).toMatchObject({ version: 1, mode: 'paused', updatedBy: 'ana', updatedAt: new Date(T0).toISOString() });

    const reused = await act(s, { action: 'stop_all', operator: 'ana' }, 'key-1');
    expect(reused).toMatchObject({ status: 422, body: { error: 'Idempotency-Key: already used with a different request' } });
    expect(s.appliedActions).toBe(1);

    const next = await act(s, { action: 'set_share', share: 40, operator: 'bo' }, 'key-2');
    expect(next.body).toMatchObject({ version: 2, agentShare: 40, mode: 'paused', updatedBy: 'bo' });
    const stats = await call(s, 'GET', '/sim/stats');
    expect(stats.body).toEqual({ appliedActions: 2, emittedCalls: 0, seq: 2, faults: [], simTime: new Date(T0).toISOString() });
    expect((await call(s, 'GET', '/routing')).body).toEqual(next.body);
  });

  it('announces each applied action on the stream', async () => {
    const s = await sim();
    const socket = io(`${s.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { since: 0 } });
    track(socket);
    const states: RoutingState[] = [];
    socket.on('routing', (e: { state: RoutingState }) => states.push(e.state));
    await act(s, { action: 'route_fallback', intents: ['order_status'], operator: 'ana' }, 'a');
    await act(s, { action: 'route_fallback', intents: ['order_status'], operator: 'ana' }, 'a');
    await act(s, { action: 'rollback', operator: 'ana' }, 'b');
    const limit = Date.now() + 15_000;
    while (states.length < 2 && Date.now() < limit) await new Promise((r) => setTimeout(r, 5));
    expect(states.map((st) => [st.version, st.mode, st.agentVersion])).toEqual([
      [1, 'live', 'v2.0.0'],
      [2, 'live', 'v1.9.3'],
    ]);
  });
});

describe('traffic follows routing', () => {
  it('sends new calls to humans after stop_all, while calls in progress keep their route', async () => {
    const s = await sim();
    const watch = watchCalls(s);
    s.advance(10 * MINUTE);
    const stopAt = s.now();
    expect((await act(s, { action: 'stop_all', operator: 'ana' })).status).toBe(200);
    s.advance(10 * MINUTE);
    await watch.caughtUp();
    const after = startedAfter(watch.calls, stopAt);
    expect(after.length).toBeGreaterThan(800);
    expect(after.every((c) => c.route === 'human')).toBe(true);
    const inFlight = startedBy(watch.calls, stopAt).filter((c) => Date.parse(c.endedAt) > stopAt);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.every((c) => c.route === 'agent')).toBe(true);
  });

  it('sends one intent to the fallback and leaves the others on the agent', async () => {
    const s = await sim();
    const watch = watchCalls(s);
    s.advance(2 * MINUTE);
    const at = s.now();
    await act(s, { action: 'route_fallback', intents: ['order_status'], operator: 'ana' });
    s.advance(15 * MINUTE);
    await watch.caughtUp();
    const after = startedAfter(watch.calls, at);
    const orders = after.filter((c) => c.intent === 'order_status');
    expect(orders.length).toBeGreaterThan(100);
    expect(orders.every((c) => c.route === 'fallback')).toBe(true);
    const others = after.filter((c) => c.intent !== 'order_status');
    expect(others.every((c) => c.route === 'agent')).toBe(true);
  });

  it('splits new calls by the agent share', async () => {
    const s = await sim({ agentShare: 30 });
    const watch = watchCalls(s);
    s.advance(20 * MINUTE);
    await watch.caughtUp();
    const share = watch.calls.filter((c) => c.route === 'agent').length / watch.calls.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
  });
});

const p95 = (calls: CallRecord[]) => {
  const l = calls.flatMap((c) => c.turns).filter((t) => t.speaker === 'agent').map((t) => t.latencyMs ?? 0).sort((a, b) => a - b);
  return l[Math.floor(0.95 * (l.length - 1))] ?? 0;
};
const share = (calls: CallRecord[], pred: (c: CallRecord) => boolean) => calls.filter(pred).length / calls.length;
const connected = (calls: CallRecord[]) => calls.filter((c) => c.connected);

/** Each fault's figure, and where it sits when faulty and when healthy. */
const FAULT_FIGURES: Record<FaultName, { figure: (calls: CallRecord[]) => number; faulty: (v: number) => boolean; healthy: (v: number) => boolean }> = {
  'latency-spike': { figure: p95, faulty: (v) => v > 1200, healthy: (v) => v < 1200 },
  'tool-outage': {
    figure: (cs) => share(connected(cs), (c) => c.outcome === 'completed'),
    faulty: (v) => v < 0.6, healthy: (v) => v > 0.85,
  },
  'pii-leak': { figure: (cs) => share(cs, (c) => c.safety.pii > 0), faulty: (v) => v > 0.2, healthy: (v) => v === 0 },
  'escalation-context-loss': {
    figure: (cs) => share(cs.filter((c) => c.escalation?.transferred), (c) => c.escalation?.contextPreserved === true),
    faulty: (v) => v < 0.6, healthy: (v) => v > 0.9,
  },
  'asr-degradation': {
    figure: (cs) => {
      const t = cs.flatMap((c) => c.turns).filter((x) => x.sttConfidence !== undefined);
      return t.reduce((sum, x) => sum + (x.sttConfidence ?? 0), 0) / t.length;
    },
    faulty: (v) => v < 0.7, healthy: (v) => v > 0.85,
  },
  'connection-failures': { figure: (cs) => share(cs, (c) => !c.connected), faulty: (v) => v > 0.15, healthy: (v) => v < 0.03 },
};

describe('fault scenarios', () => {
  for (const [fault, spec] of Object.entries(FAULT_FIGURES) as [FaultName, (typeof FAULT_FIGURES)[FaultName]][]) {
    it(`${fault} moves its figure on the new version, and a rollback clears it for new calls`, async () => {
      const s = await sim({ scenarios: [fault], rate: 3 });
      const watch = watchCalls(s);
      s.advance(15 * MINUTE);
      const rollbackAt = s.now();
      expect((await act(s, { action: 'rollback', operator: 'ana' })).status).toBe(200);
      s.advance(15 * MINUTE);
      await watch.caughtUp();
      const before = startedBy(watch.calls, rollbackAt);
      const after = startedAfter(watch.calls, rollbackAt);
      expect(before.length).toBeGreaterThan(300);
      expect(after.length).toBeGreaterThan(300);
      expect(before.every((c) => c.agentVersion === 'v2.0.0')).toBe(true);
      expect(after.every((c) => c.agentVersion === 'v1.9.3')).toBe(true);
      const [bad, good] = [spec.figure(before), spec.figure(after)];
      expect(spec.faulty(bad), `${fault} before rollback: ${bad}`).toBe(true);
      expect(spec.healthy(good), `${fault} after rollback: ${good}`).toBe(true);
      expect(s.faults()).toEqual([fault]);
    });
  }

  it('switches faults on and off while running, for calls that start afterwards', async () => {
    const s = await sim({ rate: 3 });
    const watch = watchCalls(s);
    s.advance(10 * MINUTE);
    const onAt = s.now();
    const on = await call(s, 'POST', '/sim/faults', { body: { name: 'pii-leak', on: true } });
    expect(on).toMatchObject({ status: 200, body: { faults: ['pii-leak'] } });
    s.advance(10 * MINUTE);
    const offAt = s.now();
    s.setFault('pii-leak', false);
    s.advance(10 * MINUTE);
    await watch.caughtUp();
    const leaky = (cs: CallRecord[]) => share(cs, (c) => c.safety.pii > 0);
    expect(leaky(startedBy(watch.calls, onAt))).toBe(0);
    expect(leaky(startedAfter(startedBy(watch.calls, offAt), onAt))).toBeGreaterThan(0.2);
    expect(leaky(startedAfter(watch.calls, offAt))).toBe(0);
    const unknown = await call(s, 'POST', '/sim/faults', { body: { name: 'meteor', on: true } });
    expect(unknown).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^name: /) } });
    expect(() => s.setFault('meteor', true)).toThrowError(/unknown scenario 'meteor'/);
  });
});

describe('recordings', () => {
  it('serve a WAV whose length matches the call, for old and recent calls alike', async () => {
    const s = await sim({ rate: 5, scenarios: ['connection-failures'] });
    const watch = watchCalls(s);
    s.advance(20 * MINUTE);
    await watch.caughtUp();
    const withRecording = watch.calls.filter((c) => c.recordingUrl);
    for (const c of [withRecording[0]!, withRecording[withRecording.length - 1]!]) {
      expect(c.recordingUrl).toBe(`${s.url}/recordings/${c.id}.wav`);
      const res = await fetch(c.recordingUrl!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      const wav = Buffer.from(await res.arrayBuffer());
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
      expect([wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, 8000, 16]);
      const durationMs = Math.min(Date.parse(c.endedAt) - Date.parse(c.startedAt), 90_000);
      expect(wav.readUInt32LE(40)).toBe(Math.round(durationMs * 8) * 2);
      expect(wav.length).toBe(44 + wav.readUInt32LE(40));
      // The middle of the first turn is sound; the moment before the agent first speaks is silence.
      const firstTurn = c.turns[0]!;
      const sample = (ms: number) => wav.readInt16LE(44 + Math.round(ms * 8) * 2);
      const mid = (firstTurn.startMs + firstTurn.endMs) / 2;
      expect(Math.max(...[0, 1, 2, 3, 4, 5].map((d) => Math.abs(sample(mid + d))))).toBeGreaterThan(0);
      expect(sample(firstTurn.startMs / 2)).toBe(0);
    }
  });

  it('404 for calls that never connected, edited ids and calls of other runs', async () => {
    const s = await sim({ rate: 5, scenarios: ['connection-failures'] });
    const watch = watchCalls(s);
    s.advance(5 * MINUTE);
    await watch.caughtUp();
    const dropped = watch.calls.find((c) => !c.connected)!;
    expect(dropped.recordingUrl).toBeUndefined();
    const good = watch.calls.find((c) => c.connected)!;
    const [run, index, flags, check] = good.id.split('-') as [string, string, string, string];
    const other = await sim({ startTime: T0 + 1 });
    for (const id of [
      dropped.id,
      [run, index, flags, check === '00' ? '01' : '00'].join('-'),
      encodeCallId({ run, index: parseInt(index, 36) + 1_000_000, route: 'agent', faultMask: 0 }),
      'not-a-call',
    ]) {
      const res = await fetch(`${s.url}/recordings/${id}.wav`);
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { error: string }).error).toMatch(/^callId: /);
    }
    expect((await fetch(`${other.url}/recordings/${good.id}.wav`)).status).toBe(404);
  });
});
