import { formatUtc } from '../../../shared/time-format.js';
import { LaunchClockSchema, type LaunchClock, type LaunchClockSource } from '../../../shared/cadence.js';

export interface LaunchClockChange {
  after: LaunchClock;
  /** False when the clock already said so: nothing to store or audit. */
  changed: boolean;
  /**
   * False for a first-call T0 moved back by a call that started earlier but ended later: in the
   * first minutes that happens with most calls, and it is the console refining a figure, not a decision.
   */
  audit: boolean;
  /** One line for the audit log. */
  summary: string;
}

/** The clock record a new T0 makes. */
export function nextLaunchClock(
  before: LaunchClock | null,
  t0: number | null,
  by: string,
  source: LaunchClockSource,
  at: number,
): LaunchClockChange {
  if (t0 !== null && !Number.isFinite(t0)) throw new Error(`T0 must be a valid time, got ${t0}`);
  const t0Iso = t0 === null ? null : new Date(t0).toISOString();
  if (before && before.t0 === t0Iso && before.source === source) {
    return { after: before, changed: false, audit: false, summary: 'T0 unchanged' };
  }
  const after = LaunchClockSchema.parse({ t0: t0Iso, setBy: by, setAt: new Date(at).toISOString(), source });
  const refinement = source === 'first_call' && before?.source === 'first_call' && before.t0 !== null;
  return { after, changed: true, audit: !refinement, summary: summarize(after) };
}

function summarize(after: LaunchClock): string {
  if (after.t0 === null) return `T0 cleared by ${after.setBy}; the next live call starts the launch clock`;
  const t0 = formatUtc(Date.parse(after.t0));
  if (after.source === 'operator') return `T0 set to ${t0} by ${after.setBy}`;
  return `T0 set to ${t0} by the first live call (moved back if a call that started earlier ends later)`;
}

/**
 * The T0 a live call implies, or null to keep the clock as it is. By default T0 is the moment the
 * first live call started; calls reach the console when they end, so a call that started earlier
 * but ended later moves a first-call T0 back to its start. A T0 the operator set always stands.
 */
export function t0FromFirstCall(existing: LaunchClock | null, firstCallStartedAt: number): number | null {
  if (!Number.isFinite(firstCallStartedAt)) return null;
  if (existing?.source === 'operator' && existing.t0 !== null) return null;
  if (existing?.t0 == null) return firstCallStartedAt;
  return firstCallStartedAt < Date.parse(existing.t0) ? firstCallStartedAt : null;
}
