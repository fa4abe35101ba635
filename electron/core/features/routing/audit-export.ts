import type { ExportFile } from '../../../../shared/bridge.js';
import type { AuditEntry, AuditFilter } from '../../../../shared/audit.js';
import { scanAuditChain } from '../../audit/chain.js';
import { csvHeader, csvRow } from '../../audit/export.js';

export type AuditExportFormat = 'jsonl' | 'csv';

/** The same match as the audit view's list: type and operator exact, text anywhere in summary or data. */
export function auditEntryMatches(e: AuditEntry, filter: AuditFilter): boolean {
  if (filter.type && e.type !== filter.type) return false;
  if (filter.operator && e.operator !== filter.operator) return false;
  const text = filter.text?.toLowerCase();
  if (text && !`${e.summary}\n${JSON.stringify(e.data)}`.toLowerCase().includes(text)) return false;
  return true;
}

/**
 * The matching entries of the whole file, not only the newest kept in memory, streamed line by
 * line. The file already has every secret replaced, so nothing here can leak the routing token.
 */
export function exportAudit(
  path: string,
  filter: AuditFilter,
  format: AuditExportFormat,
  launchName: string,
  now: number,
): ExportFile {
  const parts: string[] = format === 'csv' ? [csvHeader()] : [];
  scanAuditChain(path, (e) => {
    if (auditEntryMatches(e, filter)) parts.push(format === 'csv' ? csvRow(e) : `${JSON.stringify(e)}\n`);
  });
  return {
    fileName: `audit-${slug(launchName)}-${new Date(now).toISOString().slice(0, 10)}.${format}`,
    mimeType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
    content: parts.join(''),
  };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'launch';
}
