import { RoutingActionRequestSchema, type RoutingActionRequest, type RoutingState } from '../shared/protocol.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { HttpError, readJson, requireBearer, requireMethod, sendJson, type Route } from '../protocol-server/http.js';
import type { IdempotencyCache } from '../protocol-server/idempotency.js';
import { RoutingActionError } from './routing-state.js';

/** Routing provider API v1: GET /routing and POST /routing/actions, bearer-guarded. */

export interface RoutingDesk {
  state(): RoutingState;
  /** Applies an action and returns the new state; throws RoutingActionError when it cannot. */
  apply(request: RoutingActionRequest): RoutingState;
}

const MAX_KEY_LENGTH = 200;

export function routingApi(token: string, desk: RoutingDesk, replies: IdempotencyCache): Route {
  return async (req, res, url) => {
    if (url.pathname === '/routing') {
      requireBearer(req, token);
      requireMethod(req, 'GET');
      sendJson(res, 200, desk.state());
      return true;
    }
    if (url.pathname !== '/routing/actions') return false;
    requireBearer(req, token);
    requireMethod(req, 'POST');
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.trim() === '') {
      throw new HttpError(400, 'Idempotency-Key: header is required, one fresh value per action');
    }
    if (key.length > MAX_KEY_LENGTH) throw new HttpError(400, `Idempotency-Key: longer than ${MAX_KEY_LENGTH} characters`);
    const request = await readJson(req, RoutingActionRequestSchema);
    const fingerprint = canonicalJson(request);
    // From here to the store below nothing awaits, so two racing retries cannot both apply.
    const earlier = replies.get(key);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        throw new HttpError(422, 'Idempotency-Key: already used with a different request');
      }
      sendJson(res, earlier.status, earlier.body, { 'idempotent-replayed': 'true' });
      return true;
    }
    let state: RoutingState;
    try {
      state = desk.apply(request);
    } catch (e) {
      if (e instanceof RoutingActionError) throw new HttpError(e.status, e.message);
      throw e;
    }
    replies.set(key, { fingerprint, status: 200, body: state });
    sendJson(res, 200, state);
    return true;
  };
}
