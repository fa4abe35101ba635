import { formatLocal, formatUtc } from '../../../shared/time-format.js';

/**
 * Every instant on screen goes through here: stored in UTC, shown in the operator's zone, UTC on
 * hover. The zone is read at each render, so a laptop that changed zones shows the new one.
 */
export function operatorZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * `date`: "2025-03-04 14:05 GMT+1", the default; `day`: "Thu 14:05", enough inside a 48-hour
 * table; `clock`: "14:05", for moments of the current shift. `seconds` adds them where two
 * moments a few seconds apart must not read as simultaneous (the audit log, outcomes, saves).
 */
export type TimeForm = 'date' | 'day' | 'clock';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(form: TimeForm, seconds: boolean, timeZone: string): Intl.DateTimeFormat {
  const key = `${form}|${seconds}|${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(form === 'date' ? 'en-US' : 'en-GB', {
      timeZone,
      ...(form === 'date' ? { year: 'numeric', month: '2-digit', day: '2-digit', timeZoneName: 'short' } : {}),
      ...(form === 'day' ? { weekday: 'short' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    });
    formats.set(key, f);
  }
  return f;
}

export function formatTime(ms: number, form: TimeForm = 'date', seconds = false, timeZone = operatorZone()): string {
  if (form === 'date' && !seconds) return formatLocal(ms, timeZone);
  if (form !== 'date') return formatter(form, seconds, timeZone).format(ms);
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatter(form, seconds, timeZone).formatToParts(ms)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

/** An instant in the operator's zone; the shorter forms carry the full local date on hover too. */
export function Time({ ms, form = 'date', seconds = false, label }: { ms: number; form?: TimeForm; seconds?: boolean; label?: string }) {
  const zone = operatorZone();
  const title = form === 'date' ? formatUtc(ms) : `${formatLocal(ms, zone)} · ${formatUtc(ms)}`;
  return (
    <time dateTime={new Date(ms).toISOString()} title={title} aria-label={label}>
      {formatTime(ms, form, seconds, zone)}
    </time>
  );
}

/** A datetime-local field's value (the browser's zone, which is the operator's) for an instant. */
export function toFieldValue(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fromFieldValue(value: string): number | null {
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}
