import type { AlertRule } from '../../../shared/config.js';
import type { RoutingActionRequest } from '../../../shared/protocol.js';
import type { AutoActCountdown, RuleState } from '../../../shared/alerts.js';

/**
 * The countdown before a trigger acts on its own. It runs on the wall clock (the operator
 * watches real seconds), apart from the stream-time rule engine, whose states it follows.
 * One countdown per firing episode: once cancelled, withdrawn or due, the same episode never
 * starts another, so an action is proposed and taken at most once per episode. A recovering or
 * no-data spell within the episode pauses it rather than ending it: on an unattended night one
 * good minute or a stream blip must not call off the action for good.
 */

/** The latest countdown per rule id; at most one entry per configured rule. */
export type Countdowns = ReadonlyMap<string, AutoActCountdown>;

export interface AutoActStep {
  countdowns: Map<string, AutoActCountdown>;
  started: AutoActCountdown[];
  /** Countdowns that ended in this step: the host executes each of these, once. */
  due: AutoActCountdown[];
  withdrawn: AutoActCountdown[];
  paused: AutoActCountdown[];
  resumed: AutoActCountdown[];
}

/**
 * A resumed countdown leaves at least this long (or its whole length, when shorter) so nobody
 * is surprised by an action at the instant the alert comes back, e.g. after a restart.
 */
export const RESUME_FLOOR_MS = 10_000;

export const AUTO_ACT_OPERATOR = 'auto-act';

function armed(rule: AlertRule): boolean {
  return rule.severity === 'critical' && rule.recommendedAction?.autoAct === true;
}

function withdrawal(c: AutoActCountdown, now: number, note: string): AutoActCountdown {
  return { ...c, status: 'withdrawn', endedAt: now, note };
}

function live(c: AutoActCountdown): boolean {
  return c.status === 'counting' || c.status === 'paused';
}

/** The next state of a running or paused countdown, given its rule's latest state. */
function advance(c: AutoActCountdown, rule: AlertRule, s: RuleState | undefined, now: number): AutoActCountdown {
  if (!armed(rule)) return withdrawal(c, now, 'automatic action turned off');
  if (s?.firedAt !== c.episode) {
    return withdrawal(c, now, `the alert's episode ended (${s?.state ?? 'not evaluated'}) before the countdown did`);
  }
  if (s.state !== 'firing') {
    if (c.status === 'paused') return c;
    // Recovering or without data is no ground to act unattended; the operator still can.
    return { ...c, status: 'paused', pausedAt: now, remainingMs: Math.max(0, c.dueAt - now), note: s.state === 'nodata' ? 'no data for the alert' : `the alert is ${s.state}` };
  }
  if (c.status === 'paused') {
    const { remainingMs = 0, pausedAt: _pausedAt, note: _note, ...rest } = c;
    const floor = Math.min(RESUME_FLOOR_MS, c.dueAt - c.startedAt);
    return { ...rest, status: 'counting', dueAt: now + Math.max(remainingMs, floor) };
  }
  return now >= c.dueAt ? { ...c, status: 'due', endedAt: now } : c;
}

/**
 * Advances every countdown to `now` (wall-clock ms) against the rules' latest states: starts
 * one when an armed rule begins a firing episode, marks it due when its time is up, pauses it
 * while the episode is recovering or without data and resumes it when the episode fires again,
 * and withdraws it when the episode ends first.
 */
export function stepAutoAct(
  prev: Countdowns,
  rules: readonly AlertRule[],
  states: ReadonlyMap<string, RuleState>,
  now: number,
): AutoActStep {
  const step: AutoActStep = { countdowns: new Map(), started: [], due: [], withdrawn: [], paused: [], resumed: [] };
  const configured = new Set(rules.map((r) => r.id));
  for (const [ruleId, c] of prev) {
    if (!configured.has(ruleId) && live(c)) step.withdrawn.push(withdrawal(c, now, 'rule removed'));
  }
  for (const rule of rules) {
    const c = prev.get(rule.id);
    const s = states.get(rule.id);
    const action = rule.recommendedAction;
    if (c && live(c)) {
      const next = advance(c, rule, s, now);
      if (next.status !== c.status) {
        if (next.status === 'withdrawn') step.withdrawn.push(next);
        if (next.status === 'due') step.due.push(next);
        if (next.status === 'paused') step.paused.push(next);
        if (c.status === 'paused' && next.status === 'counting') step.resumed.push(next);
      }
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

/** Whole seconds left, rounded up so the display reads 1 until the very end; held while paused; 0 once ended. */
export function remainingSec(c: AutoActCountdown, now: number): number {
  if (c.status === 'paused') return Math.ceil((c.remainingMs ?? 0) / 1000);
  if (c.status !== 'counting') return 0;
  return Math.max(0, Math.ceil((c.dueAt - now) / 1000));
}

/** The operator stops a running countdown; the alert stays firing and its action stays one click away. */
export function cancelCountdown(prev: Countdowns, ruleId: string, operator: string, now: number): Map<string, AutoActCountdown> {
  if (operator.trim() === '') throw new Error('cancelling a countdown needs the operator\'s name');
  const c = prev.get(ruleId);
  if (!c || !live(c)) throw new Error(`no countdown is running for rule "${ruleId}"`);
  const next = new Map(prev);
  next.set(ruleId, { ...c, status: 'cancelled', endedAt: now, cancelledBy: operator });
  return next;
}

/**
 * The routing request a due countdown stands for: aimed at `intents` when the figures single some
 * out at that moment, else at the rule's own scope.
 */
export function autoActRequest(c: AutoActCountdown, intents: readonly string[] | null = null): RoutingActionRequest {
  const request: RoutingActionRequest = {
    action: c.action,
    reason: `Automatic action after a ${Math.round((c.dueAt - c.startedAt) / 1000)} s countdown: ${c.ruleName}. ${c.text}`,
    operator: AUTO_ACT_OPERATOR,
  };
  if (intents && intents.length > 0) request.intents = [...intents];
  else if (c.scope !== 'all') request.intents = [c.scope];
  return request;
}
