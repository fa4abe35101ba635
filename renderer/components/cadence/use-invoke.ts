import { useCallback, useState } from 'react';
import type { BridgeChannel, BridgeRequest, BridgeResponse } from '../../../shared/bridge.js';
import { useConsole } from '../../store.js';

/** A bridge call with its error kept for the form that made it: the core's message says what was wrong. */
export function useInvoke() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const invoke = useCallback(async <C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C> | null> => {
    const bridge = useConsole.getState().bridge;
    if (!bridge) {
      setError('not connected to the console core');
      return null;
    }
    setBusy(true);
    try {
      const result = await bridge.invoke(channel, request);
      setError(null);
      return result;
    } catch (e) {
      setError((e as Error).message);
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  return { invoke, error, busy, clearError: () => setError(null) };
}
