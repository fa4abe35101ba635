import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LaunchConfigSchema } from '../../shared/config.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { play, until } from '../support/console-on-simulator.js';

/**
 * A console that takes the launch over (a new leader, a restarted desk) asks the stream for the
 * last hour again: its windows hold the same figures the one before held, and the KPI history,
 * which the one before already kept, counts no call twice.
 */

const MIN = 60_000;
let sim: SimHandle;
let dataDir: string;
let wall = Date.parse('2026-03-02T09:00:00Z');
const now = () => wall;

beforeAll(async () => {
  sim = await startSimulator({ manualClock: true, startTime: Date.parse('2026-03-02T09:00:00Z'), seed: 21, rate: 3, scenarios: [] });
  dataDir = mkdtempSync(join(tmpdir(), 'stream-resume-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const config = () => LaunchConfigSchema.parse({ stream: { url: sim.url, staleAfterSec: 3600 }, routing: { baseUrl: sim.url } });

async function opened(): Promise<ConsoleService> {
  const service = await ConsoleService.open({ config: config(), dataDir, routingToken: sim.token, now });
  service.stream.start();
  await until(() => service.stream.status().launchId !== null, 'the stream hello');
  return service;
}

describe('taking a launch over', () => {
  it('rebuilds the last hour from the stream and counts nothing twice in the KPI history', async () => {
    const first = await opened();
    // 40 minutes of traffic, a resume mark every 5 s of wall time.
    for (let m = 0; m < 40; m++) {
      wall += 10_000;
      await play({ sim, service: first }, MIN, MIN);
    }
    const streamTime = first.stream.status().streamTime!;
    const before = first.metrics.snapshot(streamTime).windows[60].overall.allCalls;
    const historyBefore = first.history.figures(streamTime - 30 * MIN, streamTime).stats.allCalls;
    expect(before).toBeGreaterThan(1000);
    await first.stop();

    wall += 10_000;
    const second = await opened();
    await until(() => second.stream.newestSeq >= sim.seq(), 'the replay of the last hour');
    second.tick();
    const rebuilt = second.metrics.snapshot(streamTime).windows[60].overall.allCalls;
    // Marks are 5 s of wall time apart: at most the calls of one step are not asked for again.
    expect(rebuilt).toBeGreaterThan(before * 0.9);
    expect(rebuilt).toBeLessThanOrEqual(before);
    const historyAfter = second.history.figures(streamTime - 30 * MIN, streamTime).stats.allCalls;
    expect(historyAfter).toBe(historyBefore);
    await second.stop();
  }, 120_000);
});
