import { formatLocal, formatUtc } from '../../../shared/time-format.js';

/** The operator's zone, read from the browser each render, so a laptop that changed zones shows the new one. */
export function operatorZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "Thu 14:05" in the operator's zone: enough inside a 48-hour table. */
function formatShort(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

/** An instant in the operator's zone, with UTC on hover; `short` for tables, the full date on hover too. */
export function Time({ ms, label, short = false }: { ms: number; label?: string; short?: boolean }) {
  const zone = operatorZone();
  return (
    <time dateTime={new Date(ms).toISOString()} title={short ? `${formatLocal(ms, zone)} · ${formatUtc(ms)}` : formatUtc(ms)} aria-label={label}>
      {short ? formatShort(ms, zone) : formatLocal(ms, zone)}
    </time>
  );
}
