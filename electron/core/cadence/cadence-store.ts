import type { z } from 'zod';
import {
  ActorSchema,
  CadenceLineSchema,
  CheckVerdictSchema,
  KnownIssueInputSchema,
  KnownIssueSchema,
  ReviewDecisionSchema,
  ReviewRecordSchema,
  ShiftOwnerSchema,
  type CadenceLine,
  type CheckVerdict,
  type EvidenceSnapshot,
  type KnownIssue,
  type KnownIssueInput,
  type ReviewDecision,
  type ReviewRecord,
  type ShiftOwner,
} from '../../../shared/cadence.js';
import { describeZodError } from '../../../shared/protocol.js';
import { Serial } from '../lib/serial.js';
import type { RecordLog } from '../storage/ports.js';
import { readRecords, type LoadProblem } from '../storage/read-records.js';
import { REVIEW_PLAN, plannedReview, type PlannedReview } from './schedule.js';

export class CadenceError extends Error {}

/** The result of every mutating call: what the host's audit entry needs. */
export interface CadenceChange<T> {
  actor: string;
  summary: string;
  before: T | null;
  after: T;
  /** False when the call found the state already so and wrote nothing; skip the audit entry. */
  changed: boolean;
}

/**
 * Review records, known issues, shift owners and sent notification ids, kept as one append-only
 * record log. Each change is durable before its promise resolves, so anything acknowledged survives
 * a crash; changes run one at a time, so two at once cannot both pass the same check. A torn or
 * damaged record is reported in `loadProblems` and skipped, the rest loads.
 */
export class CadenceStore {
  private readonly serial = new Serial();
  private readonly reviews = new Map<string, ReviewRecord>();
  private readonly issues = new Map<string, KnownIssue>();
  private readonly owners: ShiftOwner[] = [];
  private readonly notified = new Set<string>();

  private constructor(
    private readonly log: RecordLog,
    /** Records skipped while loading: a torn last line after a crash, or damage. */
    readonly loadProblems: readonly LoadProblem[],
    private readonly clock: () => number,
  ) {}

  static async open(log: RecordLog, clock: () => number = Date.now): Promise<CadenceStore> {
    const { records, problems } = await readRecords(log, parseLine);
    const store = new CadenceStore(log, problems, clock);
    for (const line of records) store.apply(line);
    return store;
  }

  getReview(reviewId: string): ReviewRecord | undefined {
    return this.reviews.get(reviewId);
  }

  /** Records in schedule order. */
  listReviews(): ReviewRecord[] {
    const order = new Map(REVIEW_PLAN.map((r, i) => [r.id, i]));
    return [...this.reviews.values()].sort(
      (a, b) => (order.get(a.reviewId) ?? Infinity) - (order.get(b.reviewId) ?? Infinity),
    );
  }

  /**
   * Opens a review with its evidence frozen. Idempotent: opening a review that is already open (or
   * done) returns it as it is, evidence untouched, so a second click or a restart cannot swap the
   * figures a decision was based on.
   */
  openReview(reviewId: string, by: string, evidence: EvidenceSnapshot): Promise<CadenceChange<ReviewRecord>> {
    return this.serial.run(async () => {
      const plan = this.plan(reviewId);
      const actor = validateActor(by);
      const at = this.nowIso();
      const existing = this.reviews.get(reviewId);
      if (existing) return changeOf({ actor, summary: `${plan.label} already open`, before: existing, after: existing });
      const checks = plan.checks.map((c) => ({ checkId: c.id, verdict: null, note: '', updatedAt: null, updatedBy: null }));
      const after = validate(
        ReviewRecordSchema,
        { reviewId, openedAt: at, openedBy: actor, evidence, checks, decision: null },
        `review ${reviewId}`,
      );
      await this.write({ type: 'review', record: after });
      return changeOf({ actor, summary: `${plan.label} opened`, before: null, after });
    });
  }

  updateCheck(
    reviewId: string,
    checkId: string,
    verdict: CheckVerdict | null,
    note: string,
    by: string,
  ): Promise<CadenceChange<ReviewRecord>> {
    return this.serial.run(async () => {
      const plan = this.plan(reviewId);
      const actor = validateActor(by);
      const before = this.editable(reviewId, plan);
      const check = plan.checks.find((c) => c.id === checkId);
      if (!check) {
        const known = plan.checks.map((c) => c.id).join(', ');
        throw new CadenceError(`review ${reviewId} has no check "${checkId}"; its checks are ${known}`);
      }
      const parsedVerdict = validate(CheckVerdictSchema.nullable(), verdict, `verdict for check ${checkId}`);
      const at = this.nowIso();
      const summary = `${plan.label}: "${check.label}" marked ${parsedVerdict ?? 'unanswered'}`;
      const current = before.checks.find((c) => c.checkId === checkId);
      if (current && current.verdict === parsedVerdict && current.note === note) {
        return changeOf({ actor, summary, before, after: before });
      }
      const entry = { checkId, verdict: parsedVerdict, note, updatedAt: at, updatedBy: actor };
      const checks = current
        ? before.checks.map((c) => (c.checkId === checkId ? entry : c))
        : [...before.checks, entry];
      const after = validate(ReviewRecordSchema, { ...before, checks }, `review ${reviewId}`);
      await this.write({ type: 'review', record: after });
      return changeOf({ actor, summary, before, after });
    });
  }

  /** Records the decision and closes the review; every check needs a verdict first. Read-only afterwards. */
  completeReview(reviewId: string, decision: ReviewDecision, by: string): Promise<CadenceChange<ReviewRecord>> {
    return this.serial.run(async () => {
      const plan = this.plan(reviewId);
      const actor = validateActor(by);
      const before = this.editable(reviewId, plan);
      const parsedDecision = validate(ReviewDecisionSchema, decision, `decision for review ${reviewId}`);
      const answered = new Set(before.checks.filter((r) => r.verdict !== null).map((r) => r.checkId));
      const unanswered = plan.checks.filter((c) => !answered.has(c.id)).map((c) => `"${c.label}"`);
      if (unanswered.length > 0) {
        throw new CadenceError(`review ${reviewId} cannot be completed: no verdict yet for ${unanswered.join(', ')}`);
      }
      const at = this.nowIso();
      const after = validate(
        ReviewRecordSchema,
        { ...before, decision: parsedDecision, completedAt: at, completedBy: actor },
        `review ${reviewId}`,
      );
      await this.write({ type: 'review', record: after });
      const summary = `${plan.label} completed: ${parsedDecision}`;
      return changeOf({ actor, summary, before, after });
    });
  }

  /** Creates an issue (no id; a "KI-n" id is assigned) or edits one; firstSeen is kept across edits. */
  upsertKnownIssue(input: KnownIssueInput, by: string): Promise<CadenceChange<KnownIssue>> {
    return this.serial.run(async () => {
      const actor = validateActor(by);
      const fields = validate(KnownIssueInputSchema, input, 'known issue');
      const before = fields.id === undefined ? null : this.issues.get(fields.id);
      if (before === undefined) throw new CadenceError(`there is no known issue "${fields.id}" to edit`);
      const at = this.nowIso();
      const id = before?.id ?? this.nextIssueId();
      const candidate = {
        id,
        title: fields.title,
        intent: fields.intent,
        note: fields.note,
        firstSeen: before?.firstSeen ?? at,
        status: fields.status ?? before?.status ?? 'open',
      };
      const summary = `${before ? 'Known issue updated' : 'Known issue added'}: ${id} "${fields.title}" (${candidate.status})`;
      if (before && sameIssue(before, candidate)) return changeOf({ actor, summary, before, after: before });
      const after = validate(KnownIssueSchema, { ...candidate, updatedAt: at, updatedBy: actor }, `known issue ${id}`);
      await this.write({ type: 'known_issue', issue: after });
      return changeOf({ actor, summary, before, after });
    });
  }

  listKnownIssues(): KnownIssue[] {
    return [...this.issues.values()];
  }

  /** Hands the shift over; the history keeps every owner with the note left for them. */
  setShiftOwner(name: string, handoverNote: string | undefined, by: string): Promise<CadenceChange<ShiftOwner>> {
    return this.serial.run(async () => {
      const actor = validateActor(by);
      const at = this.nowIso();
      const before = this.currentOwner();
      const after = validate(
        ShiftOwnerSchema,
        { name, since: at, handoverNote: handoverNote?.trim() ? handoverNote : undefined, setBy: actor },
        'shift owner',
      );
      await this.write({ type: 'shift_owner', owner: after });
      const summary = before ? `Shift handed from ${before.name} to ${after.name}` : `Shift owner set to ${after.name}`;
      return changeOf({ actor, summary, before, after });
    });
  }

  shiftHistory(): ShiftOwner[] {
    return [...this.owners];
  }

  currentOwner(): ShiftOwner | null {
    return this.owners.at(-1) ?? null;
  }

  /** Remembers that a notification was shown; returns false if it already was. */
  markNotified(id: string): Promise<boolean> {
    return this.serial.run(async () => {
      if (this.notified.has(id)) return false;
      await this.write({ type: 'notified', id, at: this.nowIso() });
      return true;
    });
  }

  notifiedIds(): ReadonlySet<string> {
    return this.notified;
  }

  async close(): Promise<void> {
    await this.serial.idle();
    await this.log.close();
  }

  /** Appends first, then applies, so memory never holds a change storage does not. */
  private async write(line: CadenceLine): Promise<void> {
    await this.log.append(line);
    this.apply(line);
  }

  private apply(line: CadenceLine): void {
    switch (line.type) {
      case 'review':
        this.reviews.set(line.record.reviewId, line.record);
        return;
      case 'known_issue':
        this.issues.set(line.issue.id, line.issue);
        return;
      case 'shift_owner':
        this.owners.push(line.owner);
        return;
      case 'notified':
        this.notified.add(line.id);
        return;
    }
  }

  private plan(reviewId: string): PlannedReview {
    const plan = plannedReview(reviewId);
    if (!plan) {
      throw new CadenceError(`unknown review "${reviewId}"; reviews are ${REVIEW_PLAN.map((r) => r.id).join(', ')}`);
    }
    return plan;
  }

  private editable(reviewId: string, plan: PlannedReview): ReviewRecord {
    const record = this.reviews.get(reviewId);
    if (!record) throw new CadenceError(`${plan.label} (${reviewId}) is not open yet; open it first`);
    if (record.completedAt !== undefined) {
      const by = record.completedBy ?? 'unknown';
      throw new CadenceError(`${plan.label} (${reviewId}) was completed at ${record.completedAt} by ${by} and is read-only`);
    }
    return record;
  }

  private nextIssueId(): string {
    let n = this.issues.size + 1;
    while (this.issues.has(`KI-${n}`)) n += 1;
    return `KI-${n}`;
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

}

/** Unchanged when the call returns the very object it found, which is how every no-op returns. */
function changeOf<T>(facts: Omit<CadenceChange<T>, 'changed'>): CadenceChange<T> {
  return { ...facts, changed: facts.before !== facts.after };
}

function parseLine(value: unknown): CadenceLine {
  const parsed = CadenceLineSchema.safeParse(value);
  if (!parsed.success) throw new Error(describeZodError(parsed.error));
  return parsed.data;
}

function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CadenceError(`invalid ${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

function validateActor(by: string): string {
  return validate(ActorSchema, by, 'actor');
}

function sameIssue(a: KnownIssue, b: Omit<KnownIssue, 'updatedAt' | 'updatedBy'>): boolean {
  return a.title === b.title && a.intent === b.intent && a.note === b.note && a.status === b.status;
}
