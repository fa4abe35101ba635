import type { AlertRule } from '../../../shared/config.js';
import type { RoutingActionRequest } from '../../../shared/protocol.js';
import type { AutoActCountdown, RuleState } from '../../../shared/alerts.js';

/**
 * The countdown before a trigger acts on its own. It runs on the wall clock (the operator
 * watches real seconds), apart from the stream-time rule engine, whose states it follows.
 * One countdown per firing episode: once cancelled, withdrawn or due, the same episode never
 * starts another, so an action is proposed and taken at most once per episode.
 */

/** The latest countdown per rule id; at most one entry per configured rule. */
export type Countdowns = ReadonlyMap<string, AutoActCountdown>;

export interface AutoActStep {
  countdowns: Map<string, AutoActCountdown>;
  started: AutoActCountdown[];
  /** Countdowns that ended in this step: the host executes each of these, once. */
  due: AutoActCountdown[];
  withdrawn: AutoActCountdown[];
}

export const AUTO_ACT_OPERATOR = 'auto-act';

function armed(rule: AlertRule): boolean {
  return rule.severity === 'critical' && rule.recommendedAction?.autoAct === true;
}

function withdrawal(c: AutoActCountdown, now: number, note: string): AutoActCountdown {
  return { ...c, status: 'withdrawn', endedAt: now, note };
}

/**
 * Advances every countdown to `now` (wall-clock ms) against the rules' latest states: starts
 * one when an armed rule begins a firing episode, marks it due when its time is up, and
 * withdraws it when the rule stops firing first (recovering, no data or resolved are no
 * grounds to act automatically; the operator still can).
 */
export function stepAutoAct(
  prev: Countdowns,
  rules: readonly AlertRule[],
  states: ReadonlyMap<string, RuleState>,
  now: number,
): AutoActStep {
  const step: AutoActStep = { countdowns: new Map(), started: [], due: [], withdrawn: [] };
  const configured = new Set(rules.map((r) => r.id));
  for (const [ruleId, c] of prev) {
    if (!configured.has(ruleId) && c.status === 'counting') step.withdrawn.push(withdrawal(c, now, 'rule removed'));
  }
  for (const rule of rules) {
    const c = prev.get(rule.id);
    const s = states.get(rule.id);
    const action = rule.recommendedAction;
    if (c?.status === 'counting') {
      let next = c;
      if (!armed(rule)) next = withdrawal(c, now, 'automatic action turned off');
      else if (s?.state !== 'firing' || s.firedAt !== c.episode) {
        next = withdrawal(c, now, `the rule stopped firing (${s?.state ?? 'not evaluated'}) before the countdown ended`);
      } else if (now >= c.dueAt) next = { ...c, status: 'due', endedAt: now };
      if (next.status === 'withdrawn') step.withdrawn.push(next);
      if (next.status === 'due') step.due.push(next);
      step.countdowns.set(rule.id, next);
      continue;
    }
    if (action && armed(rule) && s?.state === 'firing' && s.firedAt !== undefined && c?.episode !== s.firedAt) {
      const started: AutoActCountdown = {
        ruleId: rule.id,
        ruleName: rule.name,
        episode: s.firedAt,
        action: action.action,
        scope: rule.scope,
        text: action.text,
        startedAt: now,
        dueAt: now + action.countdownSec * 1000,
        status: 'counting',
      };
      step.started.push(started);
      step.countdowns.set(rule.id, started);
      continue;
    }
    if (c) step.countdowns.set(rule.id, c);
  }
  return step;
}

/** Whole seconds left, rounded up so the display reads 1 until the very end; 0 once not counting. */
export function remainingSec(c: AutoActCountdown, now: number): number {
  if (c.status !== 'counting') return 0;
  return Math.max(0, Math.ceil((c.dueAt - now) / 1000));
}

/** The operator stops a running countdown; the alert stays firing and its action stays one click away. */
export function cancelCountdown(prev: Countdowns, ruleId: string, operator: string, now: number): Map<string, AutoActCountdown> {
  if (operator.trim() === '') throw new Error('cancelling a countdown needs the operator\'s name');
  const c = prev.get(ruleId);
  if (c?.status !== 'counting') throw new Error(`no countdown is running for rule "${ruleId}"`);
  const next = new Map(prev);
  next.set(ruleId, { ...c, status: 'cancelled', endedAt: now, cancelledBy: operator });
  return next;
}

/** The routing request a due countdown stands for. */
export function autoActRequest(c: AutoActCountdown): RoutingActionRequest {
  const request: RoutingActionRequest = {
    action: c.action,
    reason: `Automatic action after a ${Math.round((c.dueAt - c.startedAt) / 1000)} s countdown: ${c.ruleName}. ${c.text}`,
    operator: AUTO_ACT_OPERATOR,
  };
  if (c.scope !== 'all') request.intents = [c.scope];
  return request;
}
