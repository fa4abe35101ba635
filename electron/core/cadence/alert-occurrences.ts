import type { AlertLogEntry } from '../../../shared/alerts.js';
import type { AlertOccurrence } from './evidence.js';

/**
 * The alert history as review evidence: state changes only, on the launch clock. Acknowledgements
 * are left out: they are not a change in the metrics, and they carry wall-clock time.
 */
export function alertOccurrences(log: readonly AlertLogEntry[]): AlertOccurrence[] {
  const out: AlertOccurrence[] = [];
  for (const e of log) {
    if (e.kind === 'acknowledged') continue;
    out.push({ ruleId: e.ruleId, name: e.ruleName, severity: e.severity, state: e.kind, at: e.at });
  }
  return out;
}
