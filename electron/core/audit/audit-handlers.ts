import type { Handlers } from '../engine/feature.js';
import { exportAudit } from './audit-export.js';
import type { AuditLog } from './audit-log.js';

/** Newest entries the audit view gets when it names no limit; the export reads the whole file. */
const AUDIT_LIST_DEFAULT = 1000;

export function auditHandlers(
  audit: AuditLog,
  launchName: string,
  now: () => number,
): Pick<Handlers, 'audit:list' | 'audit:export'> {
  return {
    'audit:list': ({ type, operator, text, limit }) => audit.entries({ type, operator, text, limit: limit ?? AUDIT_LIST_DEFAULT }),
    'audit:export': ({ format, type, operator, text }) =>
      exportAudit(audit, { type, operator, text }, format, launchName, now()),
  };
}
