import type { BridgeChannel } from '../../../shared/bridge-channels.js';
import type { RoutingActionName } from '../../../shared/protocol.js';
import { useConsole } from '../../state/store.js';
import { selectActionRefusal, selectChannelRefusal } from '../../state/team.js';

/**
 * Why this window's operator may not make a request on `channel`, for a control's title; null
 * when they may (always on one desk). A control reading it is disabled with that title: the
 * server refuses the request anyway, this only says so before the click.
 */
export function useRefusal(channel: BridgeChannel): string | null {
  return useConsole(selectChannelRefusal(channel));
}

/** The same for a routing action, which the launch configuration gives to roles one by one. */
export function useActionRefusal(action: RoutingActionName): string | null {
  return useConsole(selectActionRefusal(action));
}

/**
 * Props for a control that may be refused: disabled (as well as for its own reasons), titled with
 * why, and marked so it looks unavailable wherever it sits (team.css).
 */
export function refused(
  refusal: string | null,
  disabled = false,
  title?: string,
): { disabled: boolean; title: string | undefined; 'data-refused'?: 'role' } {
  return { disabled: disabled || refusal !== null, title: refusal ?? title, ...(refusal !== null ? { 'data-refused': 'role' as const } : {}) };
}
