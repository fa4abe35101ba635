import { formatLocal, formatUtc } from '../../../shared/time-format.js';

/** The operator's own zone, whatever machine the console runs on. */
export const OPERATOR_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An instant in the operator's zone, UTC on hover. */
export function Time({ ms }: { ms: number }) {
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatUtc(ms)}>
      {formatLocal(ms, OPERATOR_ZONE)}
    </time>
  );
}

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: OPERATOR_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** "14:05:09" in the operator's zone: for moments of the current shift, such as the last save. */
export function formatClock(ms: number): string {
  return clock.format(ms);
}

/** A position inside a call, "1:05.3". */
export function callOffset(ms: number): string {
  const tenths = Math.floor(ms / 100);
  const min = Math.floor(tenths / 600);
  const sec = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return `${min}:${sec}`;
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
