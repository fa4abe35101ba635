import { KPIS, type KpiId } from '../../../shared/kpi.js';
import type { RoutingActionRequest, RoutingState } from '../../../shared/protocol.js';

/** The KPIs an emergency action is meant to bring back within target, when the caller names none. */
export const DEFAULT_RECOVERY_KPIS: readonly KpiId[] = ['turnLatencyP95', 'taskCompletion', 'agentErrorRate'];

export interface RecoveryPlan {
  kpis: KpiId[];
  /** Why some or all KPIs are not followed; null when nothing needs saying. */
  note: string | null;
}

/**
 * What the recovery watch follows after a verified action. The agent's KPIs are computed over
 * the calls it handles, so once it takes no new calls they go blank rather than recover: the
 * stream's check that new calls left the agent is then the whole proof, and the note says so
 * instead of reporting "not back within target" ten minutes later.
 */
export function recoveryPlan(req: RoutingActionRequest, after: RoutingState, named?: readonly KpiId[]): RecoveryPlan {
  const routes = Object.values(after.intents);
  if (after.mode === 'stopped' || (routes.length > 0 && routes.every((r) => r !== 'agent'))) {
    return { kpis: [], note: 'The agent takes no new calls now, so its KPIs have nothing left to recover; the stream check is the proof.' };
  }
  if (named !== undefined) {
    const kpis = named.filter((k) => KPIS[k]?.target !== undefined);
    const skipped = named.filter((k) => !kpis.includes(k));
    const note = skipped.length > 0 ? `Not followed (no target to recover to): ${skipped.map((k) => KPIS[k]?.label ?? k).join(', ')}.` : null;
    return { kpis, note };
  }
  if (req.action === 'resume' || req.action === 'set_share') {
    return { kpis: [], note: 'This action is not meant to fix a KPI; only the routing change is checked on the stream.' };
  }
  return { kpis: [...DEFAULT_RECOVERY_KPIS], note: null };
}
