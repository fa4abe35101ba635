import { z } from 'zod';
import { TeamConfigSchema } from './team.js';
import { KPI_IDS } from './kpi.js';
import { didYouMean } from './did-you-mean.js';
import { DEFAULT_INTENTS, type RoutingActionName } from './protocol.js';
import { GATE_IDS } from './gate-defaults.js';
import { DEFAULT_ROUTING, RoutingConfigSchema } from './routing-config.js';

/** The launch configuration: one JSON file, documented in docs/configuration.md. */

export const KpiIdSchema = z.enum(KPI_IDS);

export const AlertRuleSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  kpi: KpiIdSchema,
  /** 'all' or an intent name. */
  scope: z.string().default('all'),
  comparison: z.enum(['above', 'below']),
  /** Absolute threshold, or a multiple of the KPI's baseline when `baselineMultiple` is set. */
  threshold: z.number().optional(),
  baselineMultiple: z.number().positive().optional(),
  /** Where the alert clears; defaults to the trip threshold. */
  clearThreshold: z.number().optional(),
  windowMin: z.union([z.literal(1), z.literal(5), z.literal(15), z.literal(60)]).default(5),
  pendingMin: z.number().nonnegative().default(0),
  recoveryMin: z.number().nonnegative().default(2),
  minSample: z.number().int().nonnegative().default(30),
  /** One-sided confidence of the Wilson bound a rate rule trips on; 0.5 judges the point estimate. */
  confidence: z.number().min(0.5).lt(1).default(0.95),
  /** Longest no-data or too-few-calls spell a pending period pauses through instead of starting over. */
  pendingPauseMaxMin: z.number().nonnegative().default(5),
  severity: z.enum(['info', 'warning', 'critical']),
  noData: z.enum(['nodata', 'ok', 'keep']).default('nodata'),
  recommendedAction: z
    .strictObject({
      action: z.enum(['pause_ramp', 'route_fallback', 'route_human', 'stop_all', 'rollback']),
      text: z.string(),
      /** With a route: pause the ramp in the same confirm, as one step the operator confirms once. */
      pauseRamp: z.boolean().default(false),
      autoAct: z.boolean().default(false),
      countdownSec: z.number().int().positive().default(60),
    })
    .optional(),
}).refine((r) => r.threshold !== undefined || r.baselineMultiple !== undefined, {
  message: 'a rule needs a threshold or a baselineMultiple',
  path: ['threshold'],
});
export type AlertRule = z.infer<typeof AlertRuleSchema>;

export const RunbookStepSchema = z.string().min(1);

/** The action kinds a runbook can be written for; the steps to do by hand differ between them. */
export const RUNBOOK_KINDS = ['stop', 'pause', 'fallback', 'human', 'rollback', 'resume', 'share'] as const;
export type RunbookKind = (typeof RUNBOOK_KINDS)[number];
const RunbookStepsSchema = z.array(RunbookStepSchema);

const RUNBOOK_KIND_OF: Record<RoutingActionName, RunbookKind> = {
  stop_all: 'stop',
  pause_ramp: 'pause',
  route_fallback: 'fallback',
  route_human: 'human',
  rollback: 'rollback',
  resume: 'resume',
  set_share: 'share',
};

/** The manual steps for one action: its kind's own, else the steps every kind shares. */
export function runbookFor(config: Pick<LaunchConfig, 'runbook' | 'runbooks'>, action: RoutingActionName): string[] {
  return [...(config.runbooks[RUNBOOK_KIND_OF[action]] ?? config.runbook)];
}

/** Whether any action comes with manual steps should the provider not confirm it. */
export function hasAnyRunbook(config: Pick<LaunchConfig, 'runbook' | 'runbooks'>): boolean {
  return (Object.keys(RUNBOOK_KIND_OF) as RoutingActionName[]).some((a) => runbookFor(config, a).length > 0);
}

export { RoutingConfigSchema, type RoutingConfig } from './routing-config.js';

const confidence = z.number().min(0.5).lt(1).default(0.95);

/** What must hold before a stage may be left for the next: alert rules and KPIs, judged over the stage. */
export const RolloutCriterionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('no-critical-alert') }),
  z.strictObject({ kind: z.literal('rule-quiet'), ruleId: z.string().min(1) }),
  /** A rate at or above a target, judged by the lower confidence bound on the stage's calls. */
  z.strictObject({ kind: z.literal('kpi-floor'), kpi: KpiIdSchema, target: z.number().min(0).max(1), confidence }),
  /** A rate at or below a ceiling, judged by the upper confidence bound. */
  z.strictObject({ kind: z.literal('kpi-ceiling'), kpi: KpiIdSchema, limit: z.number().min(0).max(1), confidence }),
]);
export type RolloutCriterion = z.infer<typeof RolloutCriterionSchema>;

export const RolloutStageSchema = z.strictObject({
  /** Shown on the ladder; the share ("5%") when left out. */
  name: z.string().min(1).max(60).optional(),
  share: z.number().min(0).max(100),
  minHoldMin: z.number().nonnegative(),
  /** The practice's upper hold; past it the panel says the stage is overdue for a decision. Left out: ongoing. */
  maxHoldMin: z.number().positive().optional(),
  /** Judgements a named person ticks with a note before the stage may be left ("support volume normal"). */
  checks: z.array(z.string().min(1).max(200)).default([]),
  /** A call sample drawn from the stage's own time range, every call annotated, before leaving it. */
  sampleReview: z.boolean().default(false),
  criteria: z.array(RolloutCriterionSchema).default([]),
  /** Promote on its own once everything holds; otherwise the shift owner's click does it. */
  autoPromote: z.boolean().default(false),
});
export type RolloutStage = z.infer<typeof RolloutStageSchema>;

const DAY_MIN = 24 * 60;
const stageCriteria: RolloutCriterion[] = [
  { kind: 'no-critical-alert' },
  { kind: 'kpi-floor', kpi: 'taskCompletion', target: 0.85, confidence: 0.95 },
];
const supportChecks = ['Support volume normal', 'No growing failure class'];

/** The practice's ladder: a pilot with friendly callers, then 5%, 25%, 50% and everyone. */
export const DEFAULT_STAGES: RolloutStage[] = [
  {
    name: 'Pilot',
    share: 0,
    minHoldMin: DAY_MIN,
    maxHoldMin: 3 * DAY_MIN,
    checks: ['Pilot callers heard and their feedback reviewed'],
    sampleReview: false,
    criteria: [{ kind: 'no-critical-alert' }],
    autoPromote: false,
  },
  { name: 'Canary', share: 5, minHoldMin: DAY_MIN, maxHoldMin: 3 * DAY_MIN, checks: ['Support volume normal'], sampleReview: true, criteria: stageCriteria, autoPromote: false },
  { name: 'Limited', share: 25, minHoldMin: 3 * DAY_MIN, maxHoldMin: 7 * DAY_MIN, checks: supportChecks, sampleReview: true, criteria: stageCriteria, autoPromote: false },
  { name: 'Broad', share: 50, minHoldMin: 7 * DAY_MIN, checks: supportChecks, sampleReview: true, criteria: stageCriteria, autoPromote: false },
  { name: 'Full', share: 100, minHoldMin: 0, checks: [], sampleReview: false, criteria: [], autoPromote: false },
];

/** How a stage is named on screen and in the audit log. */
export function stageName(stage: Pick<RolloutStage, 'name' | 'share'>): string {
  return stage.name ?? `${stage.share}%`;
}

const GateDefinitionOverrideSchema = z.strictObject({
  title: z.string().min(1).max(60).optional(),
  question: z.string().min(1).max(300).optional(),
  items: z.array(z.string().min(1).max(200)).min(1).optional(),
  signal: z.string().min(1).max(300).optional(),
});

const GatesConfigSchema = z.strictObject({
  /** Rewording of any gate; the rest keep the practice's text. */
  definitions: z.partialRecord(z.enum(GATE_IDS), GateDefinitionOverrideSchema).default({}),
  /** The figures the console fills in are judged against these. */
  thresholds: z
    .strictObject({
      turnLatencyP95Ms: z.number().positive().default(1200),
      taskCompletion: z.number().min(0).max(1).default(0.85),
      agentErrorRate: z.number().min(0).max(1).default(0.005),
      scenarioPassRate: z.number().min(0).max(1).default(0.95),
      loadMultiple: z.number().positive().default(2),
      maxDegradation: z.number().min(0).max(1).default(0.2),
    })
    .default({ turnLatencyP95Ms: 1200, taskCompletion: 0.85, agentErrorRate: 0.005, scenarioPassRate: 0.95, loadMultiple: 2, maxDegradation: 0.2 }),
});
export type GatesConfig = z.infer<typeof GatesConfigSchema>;
const DEFAULT_GATES_CONFIG: GatesConfig = {
  definitions: {},
  thresholds: { turnLatencyP95Ms: 1200, taskCompletion: 0.85, agentErrorRate: 0.005, scenarioPassRate: 0.95, loadMultiple: 2, maxDegradation: 0.2 },
};

export const LaunchConfigSchema = z.strictObject({
  launchName: z.string().min(1).default('Voice agent launch'),
  stream: z
    .strictObject({
      url: z.string().url().default('http://127.0.0.1:4100'),
      /** Name of the environment variable holding the stream token (never the token itself). */
      tokenEnv: z.string().default('LAUNCH_STREAM_TOKEN'),
      staleAfterSec: z.number().positive().default(5),
      /** Events dated more than this before the server's time at connecting are refused as late. */
      acceptPastHours: z.number().positive().default(48),
      /** Events dated more than this past the platform's clock are refused as future. */
      acceptFutureSec: z.number().nonnegative().default(120),
    })
    .default({ url: 'http://127.0.0.1:4100', tokenEnv: 'LAUNCH_STREAM_TOKEN', staleAfterSec: 5, acceptPastHours: 48, acceptFutureSec: 120 }),
  routing: RoutingConfigSchema.default(DEFAULT_ROUTING),
  intents: z.array(z.string().min(1)).min(1).default([...DEFAULT_INTENTS]),
  /** Intents where the caller asks for a person: a transfer with context counts as task completed. */
  handoffIntents: z.array(z.string().min(1)).default(['talk_to_human']),
  /** Manual steps for every action kind that has none of its own in `runbooks`. */
  runbook: RunbookStepsSchema.default([]),
  /** Manual steps per action kind, e.g. a failed Resume's steps are not a failed Stop's. */
  runbooks: z
    .strictObject({
      stop: RunbookStepsSchema.optional(),
      pause: RunbookStepsSchema.optional(),
      fallback: RunbookStepsSchema.optional(),
      human: RunbookStepsSchema.optional(),
      rollback: RunbookStepsSchema.optional(),
      resume: RunbookStepsSchema.optional(),
      share: RunbookStepsSchema.optional(),
    } satisfies Record<RunbookKind, z.ZodType>)
    .default({}),
  baselines: z.partialRecord(KpiIdSchema, z.number()).default({}),
  rules: z.array(AlertRuleSchema).optional(),
  rollout: z
    .strictObject({ stages: z.array(RolloutStageSchema).min(1) })
    .superRefine((r, ctx) => {
      r.stages.forEach((stage, i) => {
        const before = r.stages[i - 1];
        if (before && stage.share <= before.share) {
          ctx.addIssue({ code: 'custom', path: ['stages', i, 'share'], message: `must be above the share of the stage before (${before.share}%)` });
        }
        if (stage.maxHoldMin !== undefined && stage.maxHoldMin < stage.minHoldMin) {
          ctx.addIssue({ code: 'custom', path: ['stages', i, 'maxHoldMin'], message: 'must not be below minHoldMin' });
        }
      });
    })
    .default({ stages: DEFAULT_STAGES }),
  /** Rollback rehearsals: which provider they act on, and the time a rehearsal must beat. */
  rehearsal: z
    .strictObject({
      /** A staging provider; left out, rehearsals act on `routing` (the live one), and the confirm says so. */
      routing: RoutingConfigSchema.optional(),
      passUnderMin: z.number().positive().default(15),
    })
    .default({ passUnderMin: 15 }),
  gates: GatesConfigSchema.default(DEFAULT_GATES_CONFIG),
  webHost: z
    .strictObject({ port: z.number().int().min(0).max(65535).default(4310) })
    .default({ port: 4310 }),
  /** Team mode: the console server, its database and who may do what. Left out, the console runs on one desk. */
  team: TeamConfigSchema.optional(),
});
export type LaunchConfig = z.infer<typeof LaunchConfigSchema>;

export class ConfigError extends Error {}

/** The keys an object in the configuration accepts, found by following `path` through the schema. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = schema;
  const unwrap = (n: z.ZodType | undefined): z.ZodType | undefined => {
    while (n instanceof z.ZodDefault || n instanceof z.ZodOptional || n instanceof z.ZodNullable) n = n.unwrap() as z.ZodType;
    return n;
  };
  for (const step of path) {
    node = unwrap(node);
    if (node instanceof z.ZodUnion) {
      const withStep = node.options.find((o) => o instanceof z.ZodObject && String(step) in o.shape);
      node = withStep instanceof z.ZodObject ? (withStep.shape as Record<string, z.ZodType>)[String(step)] : undefined;
    } else if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(step)];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    else return [];
  }
  node = unwrap(node);
  // A union (routing by kind) is reported against the variant its discriminator chose, so any variant's keys are candidates.
  if (node instanceof z.ZodUnion) return [...new Set(node.options.flatMap((o) => knownKeysAt(o as z.ZodType, [])))];
  if (node instanceof z.ZodObject) return Object.keys(node.shape);
  if (node instanceof z.ZodRecord && node.keyType instanceof z.ZodEnum) return node.keyType.options.map(String);
  return [];
}

/**
 * One line per problem, naming the field; a misspelt key is named with the nearest known one,
 * since an ignored "baseURL" would silently send emergency actions to the default address.
 */
export function describeConfigError(error: z.ZodError, schema: z.ZodType = LaunchConfigSchema): string {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) lines.push(`${[...issue.path, key].join('.')}: unknown key${didYouMean(key, known)}`);
    } else {
      lines.push(`${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
    }
  }
  return lines.slice(0, 5).join('; ') + (lines.length > 5 ? `; and ${lines.length - 5} more` : '');
}

/** Parses a configuration text; the error names the file and the bad field. */
export function parseLaunchConfig(text: string, source = 'launch configuration'): LaunchConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = LaunchConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source} is invalid: ${describeConfigError(parsed.error)}`);
  return parsed.data;
}
