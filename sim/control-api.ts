import { z } from 'zod';
import { FAULT_NAMES, type FaultName } from './faults.js';
import { readJson, requireBearer, requireMethod, sendJson, type Route } from '../protocol-server/http.js';

/** The simulator's own control endpoints under /sim/, for tests and demos; bearer-guarded. */

export interface SimStats {
  appliedActions: number;
  emittedCalls: number;
  seq: number;
  faults: FaultName[];
  simTime: string;
}

export interface SimControls {
  stats(): SimStats;
  faults(): FaultName[];
  faultIntents(): Partial<Record<FaultName, string[]>>;
  setFault(name: FaultName, on: boolean, intents?: string[]): void;
  streaming(): boolean;
  setStreaming(on: boolean): void;
}

const FaultToggleSchema = z.object({ name: z.enum(FAULT_NAMES), on: z.boolean(), intents: z.array(z.string().min(1)).optional() });
const StreamToggleSchema = z.object({ on: z.boolean() });

export function controlApi(token: string, controls: SimControls): Route {
  return async (req, res, url) => {
    switch (url.pathname) {
      case '/sim/stats':
        requireBearer(req, token);
        requireMethod(req, 'GET');
        sendJson(res, 200, controls.stats());
        return true;
      case '/sim/faults': {
        requireBearer(req, token);
        if (req.method === 'GET') {
          sendJson(res, 200, { faults: controls.faults(), faultIntents: controls.faultIntents() });
          return true;
        }
        requireMethod(req, 'POST');
        const { name, on, intents } = await readJson(req, FaultToggleSchema);
        controls.setFault(name, on, intents);
        sendJson(res, 200, { faults: controls.faults(), faultIntents: controls.faultIntents() });
        return true;
      }
      case '/sim/stream': {
        requireBearer(req, token);
        requireMethod(req, 'POST');
        const { on } = await readJson(req, StreamToggleSchema);
        controls.setStreaming(on);
        sendJson(res, 200, { streaming: controls.streaming() });
        return true;
      }
      default:
        return false;
    }
  };
}
