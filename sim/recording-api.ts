import { decodeCallId } from './call-id.js';
import { composeCall, planCall } from './calls.js';
import { faultsFromMask, profileFor } from './faults.js';
import { HttpError, requireMethod, type Route } from '../protocol-server/http.js';
import { deriveSeed } from './random.js';
import { renderRecording } from './recording.js';

/**
 * GET /recordings/<callId>.wav, unauthenticated (the simulator only listens on loopback). The
 * call is regenerated from its id, so any call of the run can be played back.
 */

export interface RecordingSource {
  run: string;
  seed: number;
  intents: readonly string[];
  callsStarted(): number;
}

export function recordingApi(source: RecordingSource): Route {
  return async (req, res, url) => {
    const match = /^\/recordings\/([^/]+)\.wav$/.exec(url.pathname);
    if (!match) return false;
    requireMethod(req, 'GET');
    const id = decodeURIComponent(match[1] ?? '');
    const parts = decodeCallId(id);
    if (!parts || parts.run !== source.run || parts.index >= source.callsStarted()) {
      throw new HttpError(404, `callId: no call '${id}' in this run`);
    }
    const plan = planCall(source.seed, parts.index, source.intents);
    const body = composeCall(plan, parts.route, profileFor(faultsFromMask(parts.faultMask)));
    if (!body.connected) throw new HttpError(404, `callId: call '${id}' never connected, so it has no recording`);
    const wav = renderRecording(body.turns, body.durationMs, deriveSeed(source.seed, parts.index));
    res.writeHead(200, {
      'content-type': 'audio/wav',
      'content-length': wav.length,
      'cache-control': 'private, max-age=3600',
    });
    res.end(wav);
    return true;
  };
}
