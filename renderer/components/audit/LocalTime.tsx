import { formatUtc } from '../../../shared/time-format.js';

/** The operator's own zone, whatever machine the console runs on. */
export const OPERATOR_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(withDate: boolean): Intl.DateTimeFormat {
  const key = withDate ? 'date' : 'time';
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: OPERATOR_ZONE,
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(key, f);
  }
  return f;
}

/**
 * "2026-04-01 10:05:09 GMT+2", or "10:05:09 GMT+2" without the date: to the second, because two
 * actions a few seconds apart must not read as simultaneous in an audit.
 */
export function formatLocalSeconds(ms: number, withDate = true): string {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatFor(withDate).formatToParts(ms)) part[p.type] = p.value;
  const time = `${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
  return withDate ? `${part.year}-${part.month}-${part.day} ${time}` : time;
}

/** A time in the operator's zone, UTC on hover. */
export function LocalTime({ ms, withDate = true }: { ms: number; withDate?: boolean }) {
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatUtc(ms)}>
      {formatLocalSeconds(ms, withDate)}
    </time>
  );
}
