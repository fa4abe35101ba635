/**
 * RFC 4180: fields with a comma, quote or line break are quoted and quotes doubled; lines end in
 * CRLF. A field starting with = + - @ or a tab gets a leading apostrophe, so a spreadsheet shows
 * it as text instead of running it as a formula (OWASP's CSV-injection advice).
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
