import type { AuditEntry } from '../../../shared/audit.js';

export const CSV_COLUMNS = ['seq', 'ts', 'type', 'operator', 'summary', 'data', 'prevHash', 'hash'] as const;

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** One RFC 4180 row; `data` as JSON in one cell. */
export function csvRow(e: AuditEntry): string {
  const cells = [String(e.seq), e.ts, e.type, e.operator, e.summary, JSON.stringify(e.data), e.prevHash, e.hash];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function toCsv(entries: readonly AuditEntry[]): string {
  return csvHeader() + entries.map(csvRow).join('');
}

export function toJsonl(entries: readonly AuditEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}

function csvCell(value: string): string {
  // Operator-typed text starting like a formula would run as one in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
