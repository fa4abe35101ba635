import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LaunchConfigSchema } from '../../shared/config.js';
import { startWebHost, type WebHost } from '../../electron/web-host.js';
import { startSimulator, type SimHandle, type SimOptions } from '../../sim/server.js';

export interface Harness {
  sim: SimHandle;
  host: WebHost;
  dataDir: string;
  close(): Promise<void>;
}

/** The real simulator and the real web host on loopback, each on a free port. */
export async function startHarness(sim: SimOptions = {}): Promise<Harness> {
  const simulator = await startSimulator({ port: 0, seed: 11, rate: 4, speed: 1, ...sim });
  const dataDir = mkdtempSync(join(tmpdir(), 'launch-console-e2e-'));
  const config = LaunchConfigSchema.parse({
    stream: { url: simulator.url, staleAfterSec: 5 },
    routing: { baseUrl: simulator.url },
    webHost: { port: 0 },
  });
  const host = await startWebHost({
    config,
    configPath: null,
    port: 0,
    dataDir,
    streamToken: undefined,
    routingToken: simulator.token,
  });
  return {
    sim: simulator,
    host,
    dataDir,
    close: async () => {
      await host.close();
      await simulator.close();
    },
  };
}
