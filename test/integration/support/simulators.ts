import { afterEach } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startSimulator, type SimHandle, type SimOptions } from '../../../sim/server.js';

/**
 * Simulators and stream sockets a test file opens, closed after each test. `defaults` are the
 * file's own simulator options; each test overrides what its case is about.
 */
export function simulatorsFor(defaults: SimOptions) {
  const sims: SimHandle[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });
  return {
    async sim(options: SimOptions = {}): Promise<SimHandle> {
      const s = await startSimulator({ manualClock: true, ...defaults, ...options });
      sims.push(s);
      return s;
    },
    track(socket: Socket): Socket {
      sockets.push(socket);
      return socket;
    },
  };
}
