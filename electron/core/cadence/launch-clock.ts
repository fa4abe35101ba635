import type { LaunchClock } from '../../../shared/cadence.js';

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
