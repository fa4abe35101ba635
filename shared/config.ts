import { z } from 'zod';
import { KPI_IDS } from './kpi.js';
import { didYouMean } from './did-you-mean.js';
import { DEFAULT_INTENTS, type RoutingActionName } from './protocol.js';

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
  routing: z
    .strictObject({
      baseUrl: z.string().url().default('http://127.0.0.1:4100'),
      tokenEnv: z.string().default('LAUNCH_ROUTING_TOKEN'),
      timeoutMs: z.number().int().positive().default(2000),
      retries: z.number().int().min(0).max(10).default(3),
      /** An action's verdict is due within this; past it the operator hears "still trying in the background". */
      deadlineMs: z.number().int().positive().default(8000),
    })
    .default({ baseUrl: 'http://127.0.0.1:4100', tokenEnv: 'LAUNCH_ROUTING_TOKEN', timeoutMs: 2000, retries: 3, deadlineMs: 8000 }),
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
    .strictObject({
      stages: z.array(z.strictObject({ share: z.number().min(0).max(100), minHoldMin: z.number().nonnegative() })),
    })
    .default({
      stages: [
        { share: 5, minHoldMin: 60 },
        { share: 25, minHoldMin: 120 },
        { share: 50, minHoldMin: 240 },
        { share: 100, minHoldMin: 0 },
      ],
    }),
  webHost: z
    .strictObject({ port: z.number().int().min(0).max(65535).default(4310) })
    .default({ port: 4310 }),
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
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(step)];
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    else return [];
  }
  node = unwrap(node);
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
