/** A position inside a call, "1:05.3". */
export function callOffset(ms: number): string {
  const tenths = Math.floor(ms / 100);
  const min = Math.floor(tenths / 600);
  const sec = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return `${min}:${sec}`;
}
