import type { AlertTransition, AutoActCountdown, RuleState } from '../../../shared/alerts.js';
import type { AlertRule } from '../../../shared/config.js';
import { formatKpiValue } from '../../../shared/format.js';
import { KPIS, type KpiId } from '../../../shared/kpi.js';
import type { ActionOutcome } from '../../../shared/actions.js';

/** The words the alerts feature puts in notifications, audit entries and bridge replies. */

const SEVERITY_WORD: Record<AlertRule['severity'], string> = { info: 'Info', warning: 'Warning', critical: 'Critical alert' };

export interface NotificationText {
  title: string;
  body: string;
}

export function firedNotification(rule: AlertRule, t: AlertTransition): NotificationText {
  const scope = rule.scope === 'all' ? '' : ` (${rule.scope})`;
  const action = rule.recommendedAction ? ` Recommended: ${rule.recommendedAction.text}.` : '';
  return { title: `${SEVERITY_WORD[rule.severity]}: ${rule.name}${scope}`, body: `${t.reason}.${action}` };
}

/** The figures behind a transition, as the audit entry keeps them. */
export function transitionData(rule: AlertRule, t: AlertTransition, state: RuleState | undefined): Record<string, unknown> {
  return {
    ruleId: rule.id,
    kpi: rule.kpi,
    scope: rule.scope,
    severity: rule.severity,
    transition: t.kind,
    streamTime: new Date(t.at).toISOString(),
    episode: t.episode === undefined ? null : new Date(t.episode).toISOString(),
    value: t.value,
    threshold: t.threshold,
    clearThreshold: state?.clearThreshold ?? null,
    sample: state?.sample ?? null,
    reason: t.reason,
    recommendedAction: rule.recommendedAction ? { action: rule.recommendedAction.action, text: rule.recommendedAction.text } : null,
  };
}

export function transitionSummary(rule: AlertRule, t: AlertTransition): string {
  const verb = t.kind === 'fired' ? 'fired' : 'resolved';
  return `Alert ${verb}: ${rule.name}${rule.scope === 'all' ? '' : ` (${rule.scope})`}: ${t.reason}`;
}

export function countdownData(c: AutoActCountdown): Record<string, unknown> {
  return {
    ruleId: c.ruleId,
    action: c.action,
    scope: c.scope,
    episode: new Date(c.episode).toISOString(),
    startedAt: new Date(c.startedAt).toISOString(),
    dueAt: new Date(c.dueAt).toISOString(),
    endedAt: c.endedAt === undefined ? null : new Date(c.endedAt).toISOString(),
    status: c.status,
    remainingMs: c.remainingMs ?? null,
    note: c.note ?? null,
  };
}

export function outcomeNotification(c: AutoActCountdown, outcome: ActionOutcome): NotificationText {
  const result =
    outcome.status === 'verified'
      ? `verified in ${Math.round(outcome.elapsedMs)} ms`
      : `${outcome.status.toUpperCase()}: ${outcome.knownText}`;
  return { title: `Automatic action for ${c.ruleName}`, body: `${c.text}: ${result}` };
}

export function baselineLine(kpi: KpiId, value: number): string {
  const def = KPIS[kpi];
  return `${def.label} ${formatKpiValue(def, value)}`;
}
