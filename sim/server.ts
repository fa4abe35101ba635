import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Server as SocketServer } from 'socket.io';
import { STREAM_NAMESPACE, type RoutingActionRequest, type RoutingState } from '../shared/protocol.js';
import { runTag } from './call-id.js';
import { controlApi, type SimStats } from './control-api.js';
import { EventLog } from '../protocol-server/event-log.js';
import { FAULT_NAMES, parseFaultNames, type FaultName } from './faults.js';
import { Fleet, type FleetOutput } from './fleet.js';
import { HttpError, sendJson, type Route } from '../protocol-server/http.js';
import { IdempotencyCache } from '../protocol-server/idempotency.js';
import { resolveSimOptions, type SimOptions } from './options.js';
import { recordingApi } from './recording-api.js';
import { routingApi } from './routing-api.js';
import { applyRoutingAction, initialRoutingState } from './routing-state.js';
import { StreamServer } from '../protocol-server/stream-server.js';

export type { SimOptions } from './options.js';

/**
 * Wires the simulator together: one HTTP server on loopback carrying the stream (socket.io),
 * the routing provider API, recordings and the /sim/ controls, all driven by one simulated
 * clock that either follows the wall clock at `speed` or moves only when told to.
 */

export interface SimHandle {
  /** e.g. http://127.0.0.1:4100 */
  url: string;
  port: number;
  /** Bearer token of the routing API and the /sim/ controls. */
  token: string;
  /** Switches a fault for new calls; with `intents`, only calls of those intents get it. */
  setFault(name: string, on: boolean, intents?: readonly string[]): void;
  faults(): FaultName[];
  /** The intents each fault is limited to; a fault on for every intent is not listed. */
  faultIntents(): Partial<Record<FaultName, string[]>>;
  pauseStream(): void;
  resumeStream(): void;
  dropConnections(): void;
  /** Manual clock only: moves simulated time on and emits everything due by then. */
  advance(simMs: number): void;
  routing(): RoutingState;
  readonly appliedActions: number;
  readonly emittedCalls: number;
  seq(): number;
  /** Simulated epoch ms. */
  now(): number;
  close(): Promise<void>;
}

const TICK_MS = 100;
const HEARTBEAT_MS = 1000;
const IDEMPOTENCY_KEYS_KEPT = 10_000;

export async function startSimulator(options: SimOptions = {}): Promise<SimHandle> {
  const opts = resolveSimOptions(options);
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const startTime = opts.startTime ?? Date.now();

  let simTime = startTime;
  const wallStart = performance.now();
  const clock = opts.manualClock
    ? () => simTime
    : () => startTime + Math.floor((performance.now() - wallStart) * opts.speed);

  // Nothing between listen() and `routes = [...]` awaits, so no request arrives before it is set.
  let routes: Route[] = [];
  const http = createServer((req, res) => void serve(routes, req, res));
  const io = new SocketServer(http, { serveClient: false });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;

  const run = runTag(opts.seed, startTime);
  let routing = initialRoutingState({
    intents: opts.intents,
    agentShare: opts.agentShare,
    agentVersion: opts.agentVersion,
    previousVersion: opts.previousVersion,
    now: startTime,
  });
  /** Each fault on, with the intents it is limited to (null: every intent). */
  const activeFaults = new Map<FaultName, ReadonlySet<string> | null>(opts.scenarios.map((f) => [f, null]));
  const faultList = (): FaultName[] => FAULT_NAMES.filter((f) => activeFaults.has(f));
  const faultsFor = (intent: string): FaultName[] =>
    FAULT_NAMES.filter((f) => {
      const on = activeFaults.get(f);
      return on === null || (on !== undefined && on.has(intent));
    });
  const faultIntents = (): Partial<Record<FaultName, string[]>> =>
    Object.fromEntries([...activeFaults].flatMap(([f, intents]) => (intents ? [[f, [...intents]]] : [])));
  let appliedActions = 0;
  let emittedCalls = 0;

  const fleet = new Fleet(
    { seed: opts.seed, rate: opts.rate, intents: opts.intents, startTime, run, baseUrl: url, faultyVersion: opts.agentVersion },
    { routing: () => routing, faults: faultsFor },
  );
  const log = new EventLog(opts.bufferSize, (ref) => fleet.recall(ref));
  const stream = new StreamServer(io.of(STREAM_NAMESPACE), {
    log,
    ...(opts.streamToken !== undefined ? { token: opts.streamToken } : {}),
    hello: () => ({ launchId: `launch-${run}`, agentVersion: routing.agentVersion, serverTime: new Date(clock()).toISOString() }),
    now: clock,
  });

  const record = (out: FleetOutput): void => {
    if (out.kind === 'call') {
      emittedCalls += 1;
      log.appendCall(out.call);
    } else {
      log.appendMetric({ ts: new Date(out.ts).toISOString(), name: out.name, value: out.value });
    }
  };
  // Catching up before any change keeps calls that started earlier on the old routing and faults.
  const catchUp = (): void => fleet.advanceTo(clock(), record);
  const tick = (): void => {
    catchUp();
    stream.flush();
  };

  const applyAction = (request: RoutingActionRequest): RoutingState => {
    catchUp();
    const now = clock();
    routing = applyRoutingAction(routing, request, now);
    appliedActions += 1;
    log.appendRouting({ ts: new Date(now).toISOString(), state: routing });
    stream.flush();
    return routing;
  };
  const setFault = (name: string, on: boolean, intents?: readonly string[]): void => {
    const [fault] = parseFaultNames([name]);
    if (!fault) throw new Error('setFault: a scenario name is required');
    const unknown = intents?.find((i) => !opts.intents.includes(i));
    if (unknown !== undefined) throw new HttpError(400, `intents: unknown intent '${unknown}' (known: ${opts.intents.join(', ')})`);
    catchUp();
    if (on) activeFaults.set(fault, intents && intents.length > 0 ? new Set(intents) : null);
    else activeFaults.delete(fault);
  };
  const stats = (): SimStats => ({
    appliedActions,
    emittedCalls,
    seq: log.newestSeq,
    faults: faultList(),
    simTime: new Date(clock()).toISOString(),
  });

  routes = [
    routingApi(token, { state: () => routing, apply: applyAction }, new IdempotencyCache(IDEMPOTENCY_KEYS_KEPT)),
    controlApi(token, {
      stats,
      faults: faultList,
      faultIntents,
      setFault,
      streaming: () => !stream.isPaused,
      setStreaming: (on) => (on ? stream.resume() : stream.pause()),
    }),
    recordingApi({ run, seed: opts.seed, intents: opts.intents, callsStarted: () => fleet.callsStarted }),
  ];

  const timers = [setInterval(() => stream.heartbeat(), HEARTBEAT_MS)];
  if (!opts.manualClock) timers.push(setInterval(tick, TICK_MS));
  for (const t of timers) t.unref();

  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    token,
    setFault,
    faults: faultList,
    faultIntents,
    pauseStream: () => stream.pause(),
    resumeStream: () => stream.resume(),
    dropConnections: () => stream.dropConnections(),
    advance(simMs: number) {
      if (!opts.manualClock) throw new Error('advance: only a simulator started with manualClock: true can be advanced');
      if (!Number.isFinite(simMs) || simMs < 0) throw new Error(`advance: simMs must be 0 or more, got ${simMs}`);
      simTime += simMs;
      tick();
    },
    routing: () => routing,
    get appliedActions() {
      return appliedActions;
    },
    get emittedCalls() {
      return emittedCalls;
    },
    seq: () => log.newestSeq,
    now: clock,
    close() {
      closed ??= (async () => {
        for (const t of timers) clearInterval(t);
        const done = io.close();
        http.closeAllConnections();
        await done;
      })();
      return closed;
    },
  };
}

async function serve(routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    for (const route of routes) {
      if (await route(req, res, url)) return;
    }
    throw new HttpError(404, `path: nothing at ${url.pathname}`);
  } catch (e) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof HttpError) {
      sendJson(res, e.status, { error: e.message }, e.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    } else {
      sendJson(res, 500, { error: `internal: ${(e as Error).message}` });
    }
  }
}
