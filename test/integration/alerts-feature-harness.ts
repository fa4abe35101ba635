import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsolePush } from '../../shared/bridge.js';
import type { AlertTransition } from '../../shared/alerts.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { startSimulator, type SimHandle, type SimOptions } from '../../sim/server.js';

/**
 * The alerts feature as the hosts run it: the real simulator on a manual clock, streaming over
 * loopback into a real ConsoleService whose engine the test ticks itself. The service's wall
 * clock is injected (auto-act countdowns and staleness run on it), so a test moves it on only
 * when it means to.
 */

export const MIN = 60_000;
export const T0 = Date.UTC(2026, 3, 1, 8);
/** The simulator launch configuration's staging baselines. */
export const BASELINES = { turnLatencyP95: 950, taskCompletion: 0.89, toolFailureRate: 0.01, failedConnectionRate: 0.005 };

/**
 * Where run data goes: memory-backed when the machine has it. The console fsyncs every record
 * it keeps (sampling keeps most calls while its reservoirs fill), which costs a millisecond a
 * call on a disk and would make the minutes of traffic these tests replay take seconds.
 */
export const DATA_ROOT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

export interface AlertsRun {
  sim: SimHandle;
  service: ConsoleService;
  dataDir: string;
  pushes: ConsolePush[];
  /** The service's wall clock, epoch ms; move it with `wall.ms += ...`. */
  wall: { ms: number };
  /** Plays simulated time in steps, ticking the engine once the stream has caught up; stops early when `until` holds. */
  play(ms: number, options?: { stepMs?: number; until?: () => boolean }): Promise<void>;
  /** One engine tick without new traffic. */
  tick(): void;
  fired(): AlertTransition[];
  resolved(): AlertTransition[];
  close(): Promise<void>;
}

export interface AlertsRunOptions {
  sim?: SimOptions;
  config?: Record<string, unknown>;
  dataDir?: string;
  /** A simulator already running, left running on close: the console restarts, the fleet does not. */
  simulator?: SimHandle;
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const limit = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function startAlertsRun(options: AlertsRunOptions = {}): Promise<AlertsRun> {
  const sim = options.simulator ?? (await startSimulator({ manualClock: true, startTime: T0, seed: 21, rate: 2, ...options.sim }));
  const dataDir = options.dataDir ?? mkdtempSync(join(DATA_ROOT, 'alerts-feature-'));
  const config = LaunchConfigSchema.parse({
    stream: { url: sim.url, staleAfterSec: 60 },
    routing: { baseUrl: sim.url, retries: 1 },
    baselines: BASELINES,
    ...options.config,
  });
  const wall = { ms: Date.now() };
  const service = await ConsoleService.open({ config, dataDir, routingToken: sim.token, now: () => wall.ms });
  const pushes: ConsolePush[] = [];
  service.onPush((p) => {
    if (p.kind !== 'snapshot') pushes.push(p);
  });
  service.stream.start();
  await waitFor(() => service.stream.status().launchId !== null, 'the stream hello');
  let closed = false;
  const transitions = (kind: 'fired' | 'resolved') =>
    service.alerts.view().log.filter((e): e is AlertTransition => e.kind === kind);
  return {
    sim,
    service,
    dataDir,
    pushes,
    wall,
    async play(ms, { stepMs = 60_000, until } = {}) {
      for (let t = 0; t < ms; t += stepMs) {
        sim.advance(stepMs);
        const target = sim.seq();
        await waitFor(() => service.stream.newestSeq >= target, 'the stream to catch up');
        service.tick();
        if (until?.()) return;
      }
    },
    tick: () => service.tick(),
    fired: () => transitions('fired'),
    resolved: () => transitions('resolved'),
    async close() {
      if (closed) return;
      closed = true;
      await service.stop();
      if (!options.simulator) await sim.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
