export const REDACTED = '[redacted]';

/** Replaces every occurrence of each secret (raw or URL-encoded) so it cannot reach a message or a file. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === '') continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

/** `redact` applied to every string of a JSON value, keys included. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.every((s) => s === '')) return value;
  return walk(value, secrets) as T;
}

function walk(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redact(k, secrets), walk(v, secrets)]),
    );
  }
  return value;
}
