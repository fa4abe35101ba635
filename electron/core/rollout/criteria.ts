import type { RolloutCriterion, RolloutStage } from '../../../shared/config.js';
import { boundName, callsNeeded, wilsonBound, type BoundSide } from '../../../shared/confidence.js';
import { formatDuration, formatFigure } from '../../../shared/format.js';
import { KPIS, type KpiId } from '../../../shared/kpi.js';
import type { CriterionView, FigureCounts, HumanCheck, StageFigures, StageSpan } from '../../../shared/rollout.js';

/** Each promotion criterion of a stage judged on what is known now, with its reason in words. */

export interface RuleInfo {
  id: string;
  name: string;
  severity: string;
  /** The rule is firing (or recovering) right now. */
  up: boolean;
}

/** A sampling session drawn from within the stage's time range. */
export interface StageSample {
  id: string;
  name: string;
  annotated: number;
  total: number;
}

export interface CriteriaInput {
  stage: RolloutStage;
  span: StageSpan;
  heldMs: number;
  figures: StageFigures | null;
  rules: RuleInfo[];
  checks: HumanCheck[];
  /** Null when the stage asks for no sample review. */
  samples: StageSample[] | null;
}

const DENOMINATOR: Partial<Record<string, keyof FigureCounts>> = {
  allCalls: 'allCalls',
  calls: 'calls',
  connected: 'connected',
  agentTurns: 'agentTurns',
  toolCalls: 'toolCalls',
  escalations: 'escalations',
};

const DENOMINATOR_WORDS: Record<keyof FigureCounts, string> = {
  allCalls: 'calls',
  calls: 'agent calls',
  connected: 'connected calls',
  agentTurns: 'agent turns',
  toolCalls: 'tool calls',
  escalations: 'escalations',
};

export function evaluateCriteria(input: CriteriaInput): CriterionView[] {
  const { stage } = input;
  const out: CriterionView[] = [holdCriterion(stage, input.heldMs)];
  stage.criteria.forEach((c, i) => out.push(judge(c, i, input)));
  input.checks.forEach((check, i) => out.push(humanCheck(check, i)));
  if (input.samples !== null) out.push(sampleCriterion(input.samples));
  return out;
}

function holdCriterion(stage: RolloutStage, heldMs: number): CriterionView {
  const need = stage.minHoldMin * 60_000;
  const met = heldMs >= need;
  return {
    id: 'hold',
    label: `Minimum hold of ${formatDuration(need)}`,
    state: met ? 'met' : 'waiting',
    reason: met ? `Held ${formatDuration(heldMs)}` : `Held ${formatDuration(heldMs)} of ${formatDuration(need)}: ${formatDuration(need - heldMs)} to go`,
  };
}

function judge(c: RolloutCriterion, i: number, input: CriteriaInput): CriterionView {
  const id = `criterion-${i}`;
  switch (c.kind) {
    case 'no-critical-alert': {
      const label = 'No critical alert fired in the stage';
      const up = input.rules.find((r) => r.severity === 'critical' && r.up);
      const fired = input.span.criticalAlerts;
      if (up) return { id, label, state: 'unmet', reason: `${up.name} is firing now`, ruleId: up.id };
      if (fired.length > 0) {
        const f = fired.at(-1)!;
        return { id, label, state: 'unmet', reason: `${f.name} fired at ${new Date(f.at).toISOString().slice(11, 16)} UTC in this stage (${fired.length} in all)`, ruleId: f.ruleId };
      }
      return { id, label, state: 'met', reason: 'None fired since the stage began' };
    }
    case 'rule-quiet': {
      const rule = input.rules.find((r) => r.id === c.ruleId);
      const label = `${rule?.name ?? c.ruleId} did not fire in the stage`;
      if (!rule) return { id, label, state: 'nodata', reason: `No alert rule "${c.ruleId}" is configured` };
      if (rule.up) return { id, label, state: 'unmet', reason: `${rule.name} is firing now`, ruleId: rule.id };
      const fired = input.span.criticalAlerts.find((a) => a.ruleId === c.ruleId);
      if (fired) return { id, label, state: 'unmet', reason: `Fired at ${new Date(fired.at).toISOString().slice(11, 16)} UTC in this stage`, ruleId: rule.id };
      return { id, label, state: 'met', reason: 'Quiet since the stage began', ruleId: rule.id };
    }
    case 'kpi-floor':
      return rate(id, c.kpi, c.target, 'lower', c.confidence, input.figures);
    case 'kpi-ceiling':
      return rate(id, c.kpi, c.limit, 'upper', c.confidence, input.figures);
  }
}

/**
 * A rate judged by its confidence bound: a floor passes when the lower bound clears it, a ceiling
 * when the upper bound stays under it; a point estimate on the right side that the bound does not
 * yet prove waits, with the calls still needed at the current rate.
 */
function rate(id: string, kpi: KpiId, limit: number, side: BoundSide, confidence: number, figures: StageFigures | null): CriterionView {
  const def = KPIS[kpi];
  const label = `${def.label} ${side === 'lower' ? 'at or above' : 'at or below'} ${formatFigure(limit, 'ratio')}`;
  const denominator = DENOMINATOR[def.denominator];
  const value = figures?.kpis[kpi] ?? null;
  const n = denominator && figures ? figures.counts[denominator] : 0;
  if (!figures || value === null || !denominator || n === 0) {
    return { id, label, state: 'nodata', reason: `No ${def.label.toLowerCase()} figures for the stage yet`, kpi };
  }
  const bound = wilsonBound(value, n, side, confidence);
  const name = boundName(side, confidence);
  const words = `${def.label} ${formatFigure(value, 'ratio')} (${name} ${formatFigure(bound, 'ratio')}) over ${n} ${DENOMINATOR_WORDS[denominator]}, ${figures.label}`;
  const base = { id, label, estimate: value, bound, boundName: name, kpi };
  const holds = side === 'lower' ? bound >= limit : bound <= limit;
  if (holds) return { ...base, state: 'met', reason: words };
  const rightSide = side === 'lower' ? value > limit : value < limit;
  if (!rightSide) return { ...base, state: 'unmet', reason: `${words}: ${side === 'lower' ? 'below the target' : 'above the ceiling'}` };
  const more = callsNeeded(value, n, limit, side, confidence) ?? 0;
  return { ...base, state: 'waiting', callsNeeded: more, reason: `not enough calls yet: ${more} more needed at the current rate. ${words}` };
}

function humanCheck(check: HumanCheck, i: number): CriterionView {
  const label = `${check.text} (a named person's check)`;
  if (!check.done) return { id: `check-${i}`, label, state: 'waiting', reason: 'Not ticked yet' };
  return { id: `check-${i}`, label, state: 'met', reason: `Ticked by ${check.done.person}: ${check.done.note}` };
}

function sampleCriterion(samples: StageSample[]): CriterionView {
  const label = 'A call sample from the stage reviewed';
  const done = samples.find((s) => s.total > 0 && s.annotated >= s.total);
  if (done) return { id: 'sample', label, state: 'met', reason: `"${done.name}": all ${done.total} calls annotated` };
  const started = samples[0];
  if (started) return { id: 'sample', label, state: 'waiting', reason: `"${started.name}": ${started.annotated} of ${started.total} calls annotated` };
  return { id: 'sample', label, state: 'waiting', reason: "No sample drawn from the stage's time range yet: draw one on the Sampling screen" };
}
