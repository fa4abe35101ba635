/**
 * Structural sharing for a snapshot that replaces the previous one: every sub-tree deep-equal to
 * the previous one's keeps the previous object, so a selector that reads it returns the same
 * reference and its component does not render again. Both values are JSON data (they arrive over
 * IPC or a WebSocket); the result is `next` in value, and `prev` itself when nothing changed.
 */
export function share<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return prev as T;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = prev.length === next.length;
    const out = next.map((value: unknown, i) => {
      const kept = share(prev[i], value);
      if (!Object.is(kept, prev[i])) same = false;
      return kept;
    });
    return (same ? prev : out) as T;
  }
  if (!isRecord(next) || !isRecord(prev) || Array.isArray(prev)) return next;
  const keys = Object.keys(next);
  let same = keys.length === Object.keys(prev).length;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const kept = share(prev[key], next[key]);
    if (!Object.is(kept, prev[key]) || !(key in prev)) same = false;
    out[key] = kept;
  }
  return (same ? prev : out) as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
