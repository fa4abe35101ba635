import { AlertRuleSchema, ConfigError, type AlertRule } from '../../../shared/config.js';
import { describeZodError } from '../../../shared/protocol.js';
import { DEFAULT_CONFIDENCE, leastSampleToJudge } from '../../../shared/confidence.js';

const AGENT_ERROR_CEILING = 0.005;

/**
 * The launch checklist's rollback triggers as rules. None acts on its own: automatic action is
 * something a launch opts into in its configuration, rule by rule.
 */
const DEFAULT_RULES_INPUT: readonly unknown[] = [
  {
    id: 'turn-latency-p95',
    name: 'P95 turn latency above 1.2 s',
    kpi: 'turnLatencyP95',
    comparison: 'above',
    threshold: 1200,
    clearThreshold: 1100,
    windowMin: 5,
    pendingMin: 15,
    recoveryMin: 5,
    minSample: 50,
    severity: 'critical',
    recommendedAction: { action: 'pause_ramp', text: 'Pause the ramp and consider fallback' },
  },
  {
    id: 'task-completion',
    name: 'Task completion below 85%',
    kpi: 'taskCompletion',
    comparison: 'below',
    threshold: 0.85,
    clearThreshold: 0.87,
    windowMin: 15,
    pendingMin: 30,
    recoveryMin: 10,
    minSample: 30,
    severity: 'critical',
    // Aimed at the intents whose own completion breaches (see targeting.ts), the ramp paused in the same confirm.
    recommendedAction: {
      action: 'route_fallback',
      pauseRamp: true,
      text: 'Pause the ramp and route the affected intents to fallback',
    },
  },
  {
    id: 'agent-error-rate',
    name: 'Agent-caused error rate above 0.5%',
    kpi: 'agentErrorRate',
    comparison: 'above',
    // The rate trips on its 95% lower bound, so a canary's few calls trip it only on strong
    // evidence (and the reason says how many more calls it needs otherwise). Below 45 calls one
    // error alone would put that bound over 0.5%: no single unlucky call triggers a rollback.
    threshold: AGENT_ERROR_CEILING,
    clearThreshold: 0.004,
    windowMin: 15,
    pendingMin: 10,
    recoveryMin: 10,
    minSample: leastSampleToJudge(AGENT_ERROR_CEILING, 'lower', DEFAULT_CONFIDENCE),
    severity: 'critical',
    recommendedAction: { action: 'rollback', text: 'Roll back to the previous agent version' },
  },
  {
    id: 'tool-failures-vs-baseline',
    name: 'Tool-call failures above twice the baseline',
    kpi: 'toolFailureRate',
    comparison: 'above',
    baselineMultiple: 2,
    clearThreshold: 1.5,
    windowMin: 15,
    pendingMin: 10,
    recoveryMin: 5,
    minSample: 50,
    severity: 'warning',
    recommendedAction: { action: 'pause_ramp', text: "Pause the ramp and check the failing tools' services" },
  },
  {
    id: 'failed-connections-vs-baseline',
    name: 'Failed connections above twice the baseline',
    kpi: 'failedConnectionRate',
    comparison: 'above',
    baselineMultiple: 2,
    clearThreshold: 1.5,
    windowMin: 15,
    pendingMin: 10,
    recoveryMin: 5,
    minSample: 50,
    severity: 'warning',
    recommendedAction: { action: 'pause_ramp', text: 'Pause the ramp and check the telephony connection' },
  },
  {
    id: 'fallback-rate',
    name: 'Fallback rate above 10%',
    kpi: 'fallbackRate',
    comparison: 'above',
    threshold: 0.1,
    clearThreshold: 0.08,
    windowMin: 15,
    pendingMin: 10,
    recoveryMin: 5,
    minSample: 50,
    severity: 'warning',
    recommendedAction: { action: 'pause_ramp', text: 'Pause the ramp and review why calls fall back' },
  },
  ...(
    [
      ['pii-event', 'PII event', 'piiEvents'],
      ['policy-violation', 'Policy violation', 'policyViolations'],
      ['prompt-injection', 'Prompt-injection flag', 'injectionFlags'],
    ] as const
  ).map(([id, name, kpi]) => ({
    // One event is enough: no pending period and no minimum sample. Firing stays up for
    // 10 min after the last event so nobody misses it between glances.
    id,
    name,
    kpi,
    comparison: 'above',
    threshold: 0,
    windowMin: 1,
    pendingMin: 0,
    recoveryMin: 10,
    minSample: 0,
    severity: 'critical',
    recommendedAction: { action: 'stop_all', text: 'Stop all traffic or roll back at once' },
  })),
  {
    // A flow that loses context on transfer is stopped by sending its callers to people directly,
    // not to a scripted fallback that would transfer them again.
    id: 'escalation-context',
    name: 'Escalations handed off without context',
    kpi: 'escalationCorrectness',
    comparison: 'below',
    // Healthy hand-offs keep context ~98% of the time; 90% over 15 minutes with at least 20
    // hand-offs is a real loss, not three unlucky calls on a quiet canary.
    threshold: 0.9,
    clearThreshold: 0.95,
    windowMin: 15,
    pendingMin: 5,
    recoveryMin: 10,
    minSample: 20,
    severity: 'critical',
    recommendedAction: {
      action: 'route_human',
      text: 'Stop the affected flow and send those calls to humans',
    },
  },
];

/** The checklist defaults, validated as any configured rule is. */
export function defaultRules(): AlertRule[] {
  return rulesFromConfig(DEFAULT_RULES_INPUT);
}

function label(index: number, raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? (raw as { id: unknown }).id : undefined;
  return typeof id === 'string' ? `rules[${index}] ("${id}")` : `rules[${index}]`;
}

function checkRule(rule: AlertRule, where: string, intents: readonly string[] | undefined): void {
  const trip = rule.baselineMultiple ?? rule.threshold;
  if (rule.clearThreshold !== undefined && trip !== undefined) {
    const wrongSide = rule.comparison === 'above' ? rule.clearThreshold > trip : rule.clearThreshold < trip;
    if (wrongSide) {
      const side = rule.comparison === 'above' ? 'at or below' : 'at or above';
      throw new ConfigError(`${where}: clearThreshold ${rule.clearThreshold} must be ${side} the trip level ${trip}`);
    }
  }
  if (intents && rule.scope !== 'all' && !intents.includes(rule.scope)) {
    throw new ConfigError(`${where}: scope "${rule.scope}" is neither "all" nor one of the intents (${intents.join(', ')})`);
  }
  if (rule.recommendedAction?.autoAct && rule.severity !== 'critical') {
    throw new ConfigError(`${where}: recommendedAction.autoAct is only for critical rules (severity is ${rule.severity})`);
  }
}

/**
 * The rules a launch runs with: the configured list when there is one, else the defaults.
 * Raw input is validated here too, beyond the schema: unique ids, a clear threshold on the
 * good side of the trip, a known scope, and auto-act only where it can happen.
 */
export function rulesFromConfig(rules: readonly unknown[] | undefined, intents?: readonly string[]): AlertRule[] {
  if (rules === undefined) return defaultRules();
  const seen = new Set<string>();
  return rules.map((raw, index) => {
    const where = label(index, raw);
    const parsed = AlertRuleSchema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(`${where} is invalid: ${describeZodError(parsed.error)}`);
    const rule = parsed.data;
    if (seen.has(rule.id)) throw new ConfigError(`${where}: duplicate rule id "${rule.id}"`);
    seen.add(rule.id);
    checkRule(rule, where, intents);
    return rule;
  });
}
