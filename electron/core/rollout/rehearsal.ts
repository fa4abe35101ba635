import { formatDuration } from '../../../shared/format.js';
import type { Rehearsal, RehearsalAction, RehearsalStepKind } from '../../../shared/rollout.js';
import type { RoutingActionName } from '../../../shared/protocol.js';

/** A rollback rehearsal as data: steps timed from its start, and its verdict against the time to beat. */

export function startRehearsal(init: { id: string; by: string; action: RehearsalAction; provider: string; live: boolean; at: number; manualSteps: string[] }): Rehearsal {
  return {
    id: init.id,
    by: init.by,
    action: init.action,
    provider: init.provider,
    live: init.live,
    startedAt: init.at,
    steps: [],
    finishedAt: null,
    totalMs: null,
    passed: null,
    verdict: null,
    manualSteps: init.manualSteps,
  };
}

export function addStep(r: Rehearsal, kind: RehearsalStepKind, text: string, at: number): Rehearsal {
  if (r.finishedAt !== null) throw new Error('rehearsal: this rehearsal is finished');
  return { ...r, steps: [...r.steps, { kind, text, afterMs: Math.max(0, at - r.startedAt) }] };
}

export function stepAt(r: Rehearsal, kind: RehearsalStepKind): number | null {
  return r.steps.find((s) => s.kind === kind)?.afterMs ?? null;
}

/** The action that puts routing back as it was before the rehearsed one. */
export function restoreAction(action: RehearsalAction): RoutingActionName {
  return action === 'rollback' ? 'rollback' : 'resume';
}

/**
 * Passed when the action was verified, calls were seen (or heard) on the fallback, routing was
 * restored and verified, all within the time to beat.
 */
export function finishRehearsal(r: Rehearsal, at: number, passUnderMs: number): Rehearsal {
  const verified = stepAt(r, 'verified');
  const fallback = stepAt(r, 'fallback-seen') ?? stepAt(r, 'fallback-heard');
  const restored = stepAt(r, 'restored');
  const missing = [
    verified === null ? 'the action was never verified' : null,
    fallback === null ? 'no new call was seen or heard on the fallback' : null,
    restored === null ? 'routing was not restored' : null,
  ].filter((x): x is string => x !== null);
  const totalMs = restored ?? Math.max(0, at - r.startedAt);
  const inTime = totalMs < passUnderMs;
  const passed = missing.length === 0 && inTime;
  const verdict = passed
    ? `Passed: restored in ${formatDuration(totalMs)}, under ${formatDuration(passUnderMs)}`
    : `Failed: ${[...missing, inTime ? null : `took ${formatDuration(totalMs)}, not under ${formatDuration(passUnderMs)}`].filter(Boolean).join('; ')}`;
  return { ...r, finishedAt: at, totalMs, passed, verdict };
}
