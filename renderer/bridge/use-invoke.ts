import { useCallback, useState } from 'react';
import type { BridgeChannel, BridgeRequest, BridgeResponse } from '../../shared/bridge.js';
import { errorText, invoke as invokeCore } from './invoke.js';

/** A bridge call with its error kept for the form that made it: the core's message says what was wrong. */
export function useInvoke() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const invoke = useCallback(async <C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C> | null> => {
    setBusy(true);
    try {
      const result = await invokeCore(channel, request);
      setError(null);
      return result;
    } catch (e) {
      setError(errorText(e));
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  return { invoke, error, busy };
}
