import { OVERDUE_AFTER_MS } from './cadence.js';

/**
 * Display of instants. Values are epoch ms (stored as UTC ISO); the zone is an explicit argument,
 * never the process's own, so a laptop crossing time zones changes the text and nothing else.
 */

const MINUTE_MS = 60_000;

/** "2025-03-04 14:05 GMT+1": the operator's wall-clock time in `timeZone` (an IANA name). */
export function formatLocal(ms: number, timeZone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}" (expected an IANA name such as Europe/Paris)`);
  }
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of format.formatToParts(ms)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${part.timeZoneName}`;
}

/** "2025-03-04 13:05:00 UTC": the unambiguous form for hover text and reports. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "2 h 14 min", "45 min", "3 h" for a whole number of minutes. */
export function formatMinutes(totalMin: number): string {
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export interface Countdown {
  /** target - now: positive while ahead, negative once past. */
  ms: number;
  text: string;
}

/**
 * Time to a due moment in words: "in 2 h 14 min" before it, "due now" for the grace period after
 * it, then "overdue by 17 min" counted from the due moment. Future time rounds up so the text never
 * reads "in 0 min" while the moment is still ahead; lateness rounds down.
 */
export function countdown(now: number, target: number, graceMs = OVERDUE_AFTER_MS): Countdown {
  const ms = target - now;
  if (ms > 0) return { ms, text: `in ${formatMinutes(Math.ceil(ms / MINUTE_MS))}` };
  if (-ms < graceMs) return { ms, text: 'due now' };
  return { ms, text: `overdue by ${formatMinutes(Math.floor(-ms / MINUTE_MS))}` };
}
