import { z } from 'zod';
import { ALERT_STATES, type AutoActCountdown, type RuleState } from '../../../shared/alerts.js';
import { KpiIdSchema } from '../../../shared/config.js';
import { describeZodError } from '../../../shared/protocol.js';
import type { AlertLogContents } from './alert-log.js';
import type { JsonDocument } from '../storage/ports.js';

/**
 * The alert engine's memory, kept across restarts: a console that crashes or reboots mid-launch
 * must not fire an open alert a second time (a second notification, a second "fired" in the
 * audit log) nor forget who acknowledged it. One small document, rewritten whole when something in
 * it changes; its size is bounded by the rule count and the alert log's ring.
 */

export interface SavedAlertState {
  states: RuleState[];
  log: AlertLogContents;
  countdowns: AutoActCountdown[];
}

export type LoadedAlertState = { saved: SavedAlertState | null; problem: string | null };

const Ms = z.number().finite();
const StateNameSchema = z.enum(ALERT_STATES);
const SeveritySchema = z.enum(['info', 'warning', 'critical']);

const RuleStateSchema = z
  .object({
    ruleId: z.string().min(1),
    state: StateNameSchema,
    since: Ms,
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    clearThreshold: z.number().nullable(),
    reason: z.string(),
    firedAt: Ms.optional(),
    pendingSince: Ms.optional(),
    sample: z.number().nonnegative(),
    bound: z.number().optional(),
    callsNeeded: z.number().int().nonnegative().optional(),
    pausedSince: Ms.optional(),
    pausedMs: z.number().nonnegative().optional(),
  })
  .strict();

const TransitionSchema = z
  .object({
    kind: z.enum(['pending', 'fired', 'refired', 'recovering', 'resolved', 'nodata', 'insufficient', 'ok']),
    ruleId: z.string().min(1),
    ruleName: z.string(),
    severity: SeveritySchema,
    kpi: KpiIdSchema,
    from: StateNameSchema.nullable(),
    to: StateNameSchema,
    at: Ms,
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    reason: z.string(),
    episode: Ms.optional(),
  })
  .strict();

const AcknowledgementSchema = z
  .object({ kind: z.literal('acknowledged'), ruleId: z.string().min(1), episode: Ms, operator: z.string().min(1), at: Ms })
  .strict();

const OpenEpisodeSchema = z
  .object({ ruleId: z.string().min(1), episode: Ms, ack: AcknowledgementSchema.optional() })
  .strict()
  .refine((o) => !o.ack || (o.ack.ruleId === o.ruleId && o.ack.episode === o.episode), {
    message: 'the acknowledgement belongs to another episode',
    path: ['ack'],
  });

const CountdownSchema = z
  .object({
    ruleId: z.string().min(1),
    ruleName: z.string(),
    episode: Ms,
    action: z.enum(['pause_ramp', 'route_fallback', 'route_human', 'stop_all', 'rollback']),
    scope: z.string().min(1),
    text: z.string(),
    startedAt: Ms,
    dueAt: Ms,
    status: z.enum(['counting', 'paused', 'due', 'cancelled', 'withdrawn']),
    remainingMs: z.number().nonnegative().optional(),
    pausedAt: Ms.optional(),
    endedAt: Ms.optional(),
    cancelledBy: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();

/** `version` lets a later format be reported as unreadable rather than misread. */
const FileSchema = z
  .object({
    version: z.literal(1),
    states: z.array(RuleStateSchema),
    log: z.object({ entries: z.array(z.union([TransitionSchema, AcknowledgementSchema])), open: z.array(OpenEpisodeSchema) }).strict(),
    countdowns: z.array(CountdownSchema),
  })
  .strict();

export class AlertStateStore {
  /** False after a damaged document could not be set aside: saving would overwrite it. */
  private writable = true;

  constructor(private readonly doc: JsonDocument) {}

  get location(): string {
    return this.doc.location;
  }

  /**
   * The saved state, or none. A document that cannot be read is set aside (never overwritten)
   * and reported; the console then starts afresh rather than stopping mid-launch.
   */
  async load(now: number): Promise<LoadedAlertState> {
    const read = await this.doc.read();
    if (read.kind === 'none') return { saved: null, problem: null };
    let why: string;
    if (read.kind === 'stored') {
      const parsed = FileSchema.safeParse(read.value);
      if (parsed.success) {
        const { states, log, countdowns } = parsed.data;
        return { saved: { states, log, countdowns }, problem: null };
      }
      why = describeZodError(parsed.error);
    } else {
      why = read.why;
    }
    const lost = 'so alerts start afresh: one that was open before the restart fires and notifies again, unacknowledged';
    let aside: string;
    try {
      aside = await this.doc.setAside(`damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`);
    } catch (e) {
      this.writable = false;
      return {
        saved: null,
        problem: `The alert state in ${this.location} could not be read (${why}) nor set aside (${(e as Error).message}); it is left as it is and alert state is not saved in this run, ${lost}`,
      };
    }
    return { saved: null, problem: `The alert state in ${this.location} could not be read (${why}); it was kept as ${aside}, ${lost}` };
  }

  async save(state: SavedAlertState): Promise<void> {
    if (!this.writable) return;
    await this.doc.write({ version: 1, ...state });
  }
}
