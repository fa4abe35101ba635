/** One record of a batch as made: its value and its jsonb text, or why it could not be made. */
export type BuiltRecord = { ok: true; value: unknown; text: string } | { ok: false; error: Error };

/**
 * Makes the records of one batch in order, each from the newest record before it: the stored one
 * for the first, then the one made just before. A record that cannot be made (its maker threw, or
 * it cannot be stored) is left out alone, and the next one is made from the record before it.
 */
export function buildBatch(
  newest: unknown,
  makers: readonly ((newest: unknown) => unknown)[],
  encode: (value: unknown) => string,
): BuiltRecord[] {
  let previous = newest;
  return makers.map((make) => {
    try {
      const value = make(previous);
      const text = encode(value);
      previous = value;
      return { ok: true, value, text };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e : new Error(String(e)) };
    }
  });
}
