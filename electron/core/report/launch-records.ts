import { z } from 'zod';
import type { AuditEntry, AuditVerifyResult } from '../../../shared/audit.js';
import { CadenceLineSchema, type KnownIssue, type ReviewRecord, type ShiftOwner } from '../../../shared/cadence.js';
import { describeZodError, CallRecordSchema, type CallRecord } from '../../../shared/protocol.js';
import { AnnotationSchema, SamplingSessionSchema, type Annotation, type SamplingSession } from '../../../shared/sampling.js';
import { scanAuditLog } from '../audit/chain.js';
import { KpiHistory, type KpiHistoryQuery } from '../metrics/kpi-history.js';
import { parseHistoryRecord } from '../metrics/kpi-history-store.js';
import type { LaunchStorage, RecordLogName } from '../storage/ports.js';
import { readRecords, type LoadProblem } from '../storage/read-records.js';

/**
 * Everything a launch kept, read from storage for the report: the whole audit log (not the newest
 * entries a running console holds in memory), the cadence, sampling, KPI history, rehearsal and
 * rollout records. Nothing here interprets them; what could not be read is kept as a problem so the
 * report can say where its records are incomplete.
 */

/** Audit entry types the report tells the story from; the rest (annotations, reveals...) are only counted. */
const REPORTED_TYPES = new Set(['action', 'alert', 'decision', 'gate', 'rollout', 'rehearsal', 'launch', 'shift', 'config']);

export interface StoreProblem {
  store: string;
  problems: readonly LoadProblem[];
}

export interface SampledSession {
  session: SamplingSession;
  calls: CallRecord[];
}

/** A rehearsal as the rollout feature stores it, with the fields the report shows. */
export const StoredRehearsalSchema = z.looseObject({
  id: z.string(),
  by: z.string(),
  action: z.string(),
  provider: z.string(),
  live: z.boolean(),
  startedAt: z.number(),
  steps: z.array(z.looseObject({ kind: z.string(), text: z.string(), afterMs: z.number() })),
  finishedAt: z.number().nullable(),
  totalMs: z.number().nullable(),
  passed: z.boolean().nullable(),
  verdict: z.string().nullable(),
});
export type StoredRehearsal = z.infer<typeof StoredRehearsalSchema>;

/** A stage span as the ladder document keeps it. */
export const StoredStageSpanSchema = z.looseObject({
  stage: z.number(),
  name: z.string(),
  share: z.number(),
  from: z.number(),
  to: z.number().nullable(),
  heldMs: z.number(),
  pausedMs: z.number(),
  enteredHow: z.string(),
  leftHow: z.string().nullable(),
  leftBy: z.string().nullable(),
  criticalAlerts: z.array(z.looseObject({ name: z.string(), at: z.number() })).default([]),
});
export type StoredStageSpan = z.infer<typeof StoredStageSpanSchema>;

const LadderDocumentSchema = z.looseObject({ ladder: z.looseObject({ spans: z.array(StoredStageSpanSchema) }) });

const AlertStateDocumentSchema = z.looseObject({
  states: z.array(z.looseObject({ ruleId: z.string(), state: z.string(), since: z.number(), reason: z.string() })),
});
export type CurrentAlertState = z.infer<typeof AlertStateDocumentSchema>['states'][number];

const SamplingLineSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('session'), session: SamplingSessionSchema, calls: z.array(CallRecordSchema) }),
  z.object({ t: z.literal('annotation'), annotation: AnnotationSchema }),
  z.object({ t: z.literal('pool') }),
]);

export interface LaunchRecords {
  /** Where the records were read from, in words. */
  source: string;
  t0: string | null;
  audit: {
    /** The chain check over the whole stored log. */
    check: AuditVerifyResult;
    /** Entries of the types the report tells, oldest first. */
    entries: AuditEntry[];
    total: number;
    byType: Record<string, number>;
    first: AuditEntry | null;
    last: AuditEntry | null;
  };
  reviews: ReviewRecord[];
  knownIssues: KnownIssue[];
  shiftOwners: ShiftOwner[];
  sessions: SampledSession[];
  annotations: Annotation[];
  history: KpiHistoryQuery;
  rehearsals: StoredRehearsal[];
  stageSpans: StoredStageSpan[];
  alertStates: CurrentAlertState[];
  /** Records that could not be read, per store. */
  problems: StoreProblem[];
  /** Documents that could not be read at all, in words. */
  unreadable: string[];
}

function parseWith<S extends z.ZodType>(schema: S): (value: unknown) => z.infer<S> {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new Error(describeZodError(parsed.error));
    return parsed.data;
  };
}

export async function readLaunchRecords(storage: LaunchStorage, intents: readonly string[] = []): Promise<LaunchRecords> {
  const problems: StoreProblem[] = [];
  const unreadable: string[] = [];
  const note = (store: RecordLogName, found: readonly LoadProblem[]) => {
    if (found.length > 0) problems.push({ store: storage.records(store).location, problems: found });
  };

  const entries: AuditEntry[] = [];
  const byType: Record<string, number> = {};
  let first: AuditEntry | null = null;
  let total = 0;
  const auditLog = storage.records('audit');
  const { last, ...check } = await scanAuditLog(auditLog, (entry) => {
    first ??= entry;
    total++;
    byType[entry.type] = (byType[entry.type] ?? 0) + 1;
    if (REPORTED_TYPES.has(entry.type)) entries.push(entry);
  });
  await auditLog.close();

  const cadence = await readAndClose(storage, 'cadence', parseWith(CadenceLineSchema));
  note('cadence', cadence.problems);
  const reviews = new Map<string, ReviewRecord>();
  const issues = new Map<string, KnownIssue>();
  const shiftOwners: ShiftOwner[] = [];
  for (const line of cadence.records) {
    if (line.type === 'review') reviews.set(line.record.reviewId, line.record);
    else if (line.type === 'known_issue') issues.set(line.issue.id, line.issue);
    else if (line.type === 'shift_owner') shiftOwners.push(line.owner);
  }

  const sampling = await readAndClose(storage, 'sampling-sessions', parseWith(SamplingLineSchema));
  note('sampling-sessions', sampling.problems);
  const sessions = new Map<string, SampledSession>();
  const annotations = new Map<string, Annotation>();
  for (const line of sampling.records) {
    if (line.t === 'session') sessions.set(line.session.id, { session: line.session, calls: line.calls });
    else if (line.t === 'annotation') annotations.set(`${line.annotation.sessionId}\n${line.annotation.callId}`, line.annotation);
  }

  const history = new KpiHistory({ intents });
  const historyRecords = await readAndClose(storage, 'kpi-history', parseHistoryRecord);
  note('kpi-history', historyRecords.problems);
  for (const record of historyRecords.records) history.load(record);

  const rehearsalLog = await readAndClose(storage, 'rehearsals', parseWith(z.looseObject({ rehearsal: StoredRehearsalSchema })));
  note('rehearsals', rehearsalLog.problems);
  const rehearsals = new Map<string, StoredRehearsal>();
  for (const { rehearsal } of rehearsalLog.records) rehearsals.set(rehearsal.id, rehearsal);

  const ladder = await readDocument(storage, 'rollout-ladder', LadderDocumentSchema, unreadable);
  const alertState = await readDocument(storage, 'alert-state', AlertStateDocumentSchema, unreadable);
  const clock = readT0(storage, unreadable);

  return {
    source: storage.description,
    t0: clock,
    audit: { check, entries, total, byType, first, last },
    reviews: [...reviews.values()],
    knownIssues: [...issues.values()],
    shiftOwners,
    sessions: [...sessions.values()],
    annotations: [...annotations.values()],
    history,
    rehearsals: [...rehearsals.values()].sort((a, b) => a.startedAt - b.startedAt),
    stageSpans: ladder?.ladder.spans ?? [],
    alertStates: alertState?.states ?? [],
    problems,
    unreadable,
  };
}

async function readAndClose<T>(storage: LaunchStorage, name: RecordLogName, parse: (value: unknown) => T) {
  const log = storage.records(name);
  try {
    return await readRecords(log, parse);
  } finally {
    await log.close();
  }
}

async function readDocument<S extends z.ZodType>(
  storage: LaunchStorage,
  name: 'rollout-ladder' | 'alert-state',
  schema: S,
  unreadable: string[],
): Promise<z.infer<S> | null> {
  const doc = storage.document(name);
  const read = await doc.read();
  if (read.kind === 'none') return null;
  if (read.kind === 'unreadable') {
    unreadable.push(`${doc.location}: ${read.why}`);
    return null;
  }
  const parsed = schema.safeParse(read.value);
  if (!parsed.success) {
    unreadable.push(`${doc.location}: ${describeZodError(parsed.error)}`);
    return null;
  }
  return parsed.data;
}

function readT0(storage: LaunchStorage, unreadable: string[]): string | null {
  try {
    return storage.settings().get('launchClock')?.t0 ?? null;
  } catch (e) {
    unreadable.push(`the launch clock: ${(e as Error).message}`);
    return null;
  }
}
