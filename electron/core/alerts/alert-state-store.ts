import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ALERT_STATES, type AutoActCountdown, type RuleState } from '../../../shared/alerts.js';
import { KpiIdSchema } from '../../../shared/config.js';
import { describeZodError } from '../../../shared/protocol.js';
import type { AlertLogContents } from './alert-log.js';
import { writeFileAtomic } from '../storage/atomic-file.js';

/**
 * The alert engine's memory, kept across restarts: a console that crashes or reboots mid-launch
 * must not fire an open alert a second time (a second notification, a second "fired" in the
 * audit log) nor forget who acknowledged it. One small file, rewritten whole (write-then-rename)
 * when something in it changes; its size is bounded by the rule count and the alert log's ring.
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
    action: z.enum(['pause_ramp', 'route_fallback', 'stop_all', 'rollback']),
    scope: z.string().min(1),
    text: z.string(),
    startedAt: Ms,
    dueAt: Ms,
    status: z.enum(['counting', 'due', 'cancelled', 'withdrawn']),
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
  /** False after a damaged file could not be set aside: saving would overwrite it. */
  private writable = true;

  constructor(readonly path: string) {}

  /**
   * The saved state, or none. A file that cannot be read is renamed aside (never overwritten)
   * and reported; the console then starts afresh rather than stopping mid-launch.
   */
  load(now: number): LoadedAlertState {
    if (!existsSync(this.path)) return { saved: null, problem: null };
    let why: string;
    try {
      const parsed = FileSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (parsed.success) {
        const { states, log, countdowns } = parsed.data;
        return { saved: { states, log, countdowns }, problem: null };
      }
      why = describeZodError(parsed.error);
    } catch (e) {
      why = (e as Error).message;
    }
    const aside = `${this.path}.damaged-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    const lost = 'so alerts start afresh: one that was open before the restart fires and notifies again, unacknowledged';
    try {
      renameSync(this.path, aside);
    } catch (e) {
      this.writable = false;
      return {
        saved: null,
        problem: `The alert state in ${this.path} could not be read (${why}) nor set aside (${(e as Error).message}); it is left as it is and alert state is not saved in this run, ${lost}`,
      };
    }
    return { saved: null, problem: `The alert state in ${this.path} could not be read (${why}); it was kept as ${aside}, ${lost}` };
  }

  save(state: SavedAlertState): void {
    if (!this.writable) return;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomic(this.path, JSON.stringify({ version: 1, ...state }));
  }
}
