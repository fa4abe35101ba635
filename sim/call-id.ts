import type { Route } from '../shared/protocol.js';
import { mix32 } from './random.js';

/**
 * Call ids carry what it takes to regenerate the call: the run, the call's index in the run,
 * its route and the faults it was made under. A recording can then be rebuilt for any call of
 * the run from the id alone, in memory that does not grow with the launch. The check digits
 * turn an edited or made-up id into a 404 instead of a recording of a call that never was.
 *
 * Shape: `<run>-<index>-<route><faults>-<check>`, e.g. `k2j9xq-1c3-a0-4f`, all base 36.
 */

export interface CallIdParts {
  run: string;
  index: number;
  route: Route;
  faultMask: number;
}

const ROUTE_CODES: Record<Route, string> = { agent: 'a', fallback: 'f', human: 'h' };
const CODE_ROUTES: Record<string, Route> = { a: 'agent', f: 'fallback', h: 'human' };

/** A run's id prefix, from its seed and simulated start, so reruns of a seed stay apart. */
export function runTag(seed: number, startTime: number): string {
  const hi = Math.floor(startTime / 2 ** 32);
  return mix32(mix32(seed) ^ mix32(startTime >>> 0) ^ mix32(hi + 1)).toString(36);
}

function checkDigits(run: string, index: number, routeCode: string, faultMask: number): string {
  let h = mix32(index) ^ mix32(faultMask * 4 + routeCode.charCodeAt(0));
  for (let i = 0; i < run.length; i += 1) h = mix32(h ^ run.charCodeAt(i));
  return (h % 1296).toString(36).padStart(2, '0');
}

export function encodeCallId(p: CallIdParts): string {
  const code = ROUTE_CODES[p.route];
  return `${p.run}-${p.index.toString(36)}-${code}${p.faultMask.toString(36)}-${checkDigits(p.run, p.index, code, p.faultMask)}`;
}

/** The parts of a well-formed id, or null for anything this simulator did not issue. */
export function decodeCallId(id: string): CallIdParts | null {
  const m = /^([0-9a-z]{1,7})-([0-9a-z]{1,10})-([afh])([0-9a-z]{1,4})-([0-9a-z]{2})$/.exec(id);
  if (!m) return null;
  const [, run = '', indexText = '', code = '', maskText = ''] = m;
  const route = CODE_ROUTES[code];
  if (!route) return null;
  const parts = { run, index: parseInt(indexText, 36), route, faultMask: parseInt(maskText, 36) };
  // Re-encoding checks the check digits and rejects non-canonical spellings such as leading zeros.
  return encodeCallId(parts) === id ? parts : null;
}
