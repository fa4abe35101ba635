import { slug } from '../lib/slug.js';
import type { ExportFile } from '../../../shared/bridge.js';
import type { AuditFilter } from '../../../shared/audit.js';
import { auditEntryMatches, type AuditLog } from './audit-log.js';
import { exportHeader, exportLine, type AuditExportFormat } from './export.js';

/**
 * The matching entries of the whole log, not only the newest kept in memory, streamed record by
 * record. Storage already has every secret replaced, so nothing here can leak the routing token.
 */
export async function exportAudit(
  audit: AuditLog,
  filter: AuditFilter,
  format: AuditExportFormat,
  launchName: string,
  now: number,
): Promise<ExportFile> {
  const parts = [exportHeader(format)];
  await audit.scanStored((e) => {
    if (auditEntryMatches(e, filter)) parts.push(exportLine(e, format));
  });
  return {
    fileName: `audit-${slug(launchName, 'launch')}-${new Date(now).toISOString().slice(0, 10)}.${format}`,
    mimeType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
    content: parts.join(''),
  };
}
