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
export function recoveryPlan(
  req: RoutingActionRequest,
  after: RoutingState,
  named?: readonly KpiId[],
  outOfTargetAtAction?: readonly KpiId[],
): RecoveryPlan {
  const routes = Object.values(after.intents);
  if (after.mode === 'stopped' || (routes.length > 0 && routes.every((r) => r !== 'agent'))) {
    return { kpis: [], note: 'The agent takes no new calls now, so its KPIs have nothing left to recover; the stream check is the proof.' };
  }
  if (req.action === 'pause_ramp') {
    return { kpis: [], note: "Pausing the ramp fixes no KPI: the proof is the agent's share of new calls staying where it was." };
  }
  if (named === undefined && (req.action === 'resume' || req.action === 'set_share')) {
    return { kpis: [], note: 'This action is not meant to fix a KPI; only the routing change is checked on the stream.' };
  }
  const wanted = named ?? DEFAULT_RECOVERY_KPIS;
  const withTarget = wanted.filter((k) => KPIS[k]?.target !== undefined);
  const notes: string[] = [];
  const noTarget = wanted.filter((k) => !withTarget.includes(k));
  if (noTarget.length > 0) notes.push(`Not followed (no target to recover to): ${labels(noTarget)}.`);
  // A KPI that was fine when the operator acted has not recovered from anything: saying so would claim a success.
  const kpis = outOfTargetAtAction === undefined ? withTarget : withTarget.filter((k) => outOfTargetAtAction.includes(k));
  const fine = withTarget.filter((k) => !kpis.includes(k));
  if (fine.length > 0) notes.push(`Within target when the action was taken, so nothing to recover: ${labels(fine)}.`);
  return { kpis, note: notes.length > 0 ? notes.join(' ') : null };
}

function labels(kpis: readonly KpiId[]): string {
  return kpis.map((k) => KPIS[k]?.label ?? k).join(', ');
}
