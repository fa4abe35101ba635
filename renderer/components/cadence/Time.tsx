import { formatLocal, formatUtc } from '../../../shared/time-format.js';

/** The operator's zone, read from the browser each render, so a laptop that changed zones shows the new one. */
export function operatorZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "Thu 14:05" in the operator's zone: enough inside a 48-hour table. */
function formatShort(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** "14:05" (or "14:05:09") in the operator's zone: for moments of the current shift. */
function formatClock(ms: number, timeZone: string, seconds: boolean): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  }).format(ms);
}

/**
 * An instant in the operator's zone with UTC on hover: the full date by default, `short` for the
 * 48-hour tables, `clock` (optionally with `seconds`) for moments of the current shift. The shorter
 * forms carry the full local date on hover too.
 */
export function Time({
  ms,
  label,
  short = false,
  clock = false,
  seconds = false,
}: {
  ms: number;
  label?: string;
  short?: boolean;
  clock?: boolean;
  seconds?: boolean;
}) {
  const zone = operatorZone();
  const text = clock ? formatClock(ms, zone, seconds) : short ? formatShort(ms, zone) : formatLocal(ms, zone);
  const title = clock || short ? `${formatLocal(ms, zone)} · ${formatUtc(ms)}` : formatUtc(ms);
  return (
    <time dateTime={new Date(ms).toISOString()} title={title} aria-label={label}>
      {text}
    </time>
  );
}
