import { slug } from '../lib/slug.js';
import type { ExportFile } from '../../../shared/bridge.js';
import type { AuditFilter } from '../../../shared/audit.js';
import { auditEntryMatches } from './audit-log.js';
import { scanAuditChain } from './chain.js';
import { exportHeader, exportLine, type AuditExportFormat } from './export.js';

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
  const parts = [exportHeader(format)];
  scanAuditChain(path, (e) => {
    if (auditEntryMatches(e, filter)) parts.push(exportLine(e, format));
  });
  return {
    fileName: `audit-${slug(launchName, 'launch')}-${new Date(now).toISOString().slice(0, 10)}.${format}`,
    mimeType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
    content: parts.join(''),
  };
}
