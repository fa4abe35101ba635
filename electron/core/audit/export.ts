import type { AuditEntry } from '../../../shared/audit.js';
import { toCsv } from '../lib/csv.js';

export type AuditExportFormat = 'jsonl' | 'csv';

export const CSV_COLUMNS = ['seq', 'ts', 'type', 'operator', 'summary', 'data', 'prevHash', 'hash'] as const;

/** What an export starts with: the CSV header row, nothing for JSONL. */
export function exportHeader(format: AuditExportFormat): string {
  return format === 'csv' ? toCsv([CSV_COLUMNS]) : '';
}

/** One entry as a JSONL line, or as an RFC 4180, formula-safe CSV row with `data` as JSON in one cell. */
export function exportLine(e: AuditEntry, format: AuditExportFormat): string {
  if (format === 'jsonl') return `${JSON.stringify(e)}\n`;
  return toCsv([[String(e.seq), e.ts, e.type, e.operator, e.summary, JSON.stringify(e.data), e.prevHash, e.hash]]);
}
