import { actionLabel, isIntentScoped, listOfIntents } from '../../../shared/action-text.js';
import { boundName, wilsonBound } from '../../../shared/confidence.js';
import type { AlertRule } from '../../../shared/config.js';
import { formatFigure } from '../../../shared/format.js';
import { KPIS, type KpiId, type MetricsSnapshot } from '../../../shared/kpi.js';
import type { IntentEvidence, Recommendation } from '../../../shared/recommendation.js';
import { boundSide, resolveThresholds, SAMPLE_NOUN } from './rule-engine.js';

/**
 * Aims a rule's recommended route at the intents whose own figures breach, in the rule's window,
 * judged as the rule judges the whole (its threshold, its confidence bound) on at least the rule's
 * own minimum sample per intent: an intent with a handful of calls is never singled out, and one
 * failing intent is not answered by moving every caller off the agent. When no intent stands out
 * on its own, the route covers every intent and the basis says why.
 */
export function recommendationFor(
  rule: AlertRule,
  snapshot: MetricsSnapshot | null,
  baselines: Partial<Record<KpiId, number>>,
): Recommendation | null {
  const action = rule.recommendedAction;
  if (!action) return null;
  const pauseRamp = action.pauseRamp && isIntentScoped(action.action);
  const base = { action: action.action, pauseRamp, evidence: [] as IntentEvidence[] };
  if (!isIntentScoped(action.action)) return { ...base, intents: null, label: action.text, basis: '' };
  if (rule.scope !== 'all') {
    return { ...base, intents: [rule.scope], label: labelOf(action.action, [rule.scope], pauseRamp), basis: `The rule watches ${listOfIntents([rule.scope])} only.` };
  }
  const every = (basis: string): Recommendation => ({ ...base, intents: null, label: labelOf(action.action, null, pauseRamp), basis });
  const th = resolveThresholds(rule, baselines);
  if (!snapshot || !th) return every('No per-intent figures to aim at: every intent.');
  const def = KPIS[rule.kpi];
  const side = boundSide(rule);
  const breaching: IntentEvidence[] = [];
  const tooFew: string[] = [];
  for (const [intent, stats] of Object.entries(snapshot.windows[rule.windowMin].intents)) {
    const value = stats.kpis[rule.kpi];
    if (value === null || Number.isNaN(value)) continue;
    const sample = def.denominator === 'none' ? stats.calls : stats[def.denominator];
    if (def.denominator !== 'none' && sample < rule.minSample) {
      tooFew.push(intent);
      continue;
    }
    const judged = side ? wilsonBound(value, sample, side, rule.confidence) : value;
    const beyond = rule.comparison === 'above' ? judged > th.trip : judged < th.trip;
    if (!beyond) continue;
    const bound = side ? `, ${boundName(side, rule.confidence)} ${formatFigure(judged, def.unit)}` : '';
    const noun = def.denominator === 'none' ? 'calls' : SAMPLE_NOUN[def.denominator];
    breaching.push({ intent, value, sample, text: `${listOfIntents([intent])}: ${def.label.toLowerCase()} ${formatFigure(value, def.unit)} of ${sample} ${noun}${bound}` });
  }
  const left = tooFew.length > 0 ? ` Not judged, fewer than ${rule.minSample} ${SAMPLE_NOUN[def.denominator]} each: ${listOfIntents(tooFew)}.` : '';
  if (breaching.length === 0) return every(`No single intent breaches on its own figures over ${rule.windowMin} min: every intent.${left}`);
  breaching.sort((a, b) => (rule.comparison === 'above' ? b.value - a.value : a.value - b.value));
  const intents = breaching.map((e) => e.intent);
  return {
    ...base,
    intents,
    evidence: breaching,
    label: labelOf(action.action, intents, pauseRamp),
    basis: `Their own figures breach ${formatFigure(th.trip, def.unit)} over ${rule.windowMin} min: ${breaching.map((e) => e.text).join('; ')}.${left}`,
  };
}

function labelOf(action: NonNullable<AlertRule['recommendedAction']>['action'], intents: string[] | null, pauseRamp: boolean): string {
  const route = actionLabel({ action, ...(intents ? { intents } : {}) });
  return pauseRamp ? `Pause the ramp and ${route.charAt(0).toLowerCase()}${route.slice(1)}` : route;
}
