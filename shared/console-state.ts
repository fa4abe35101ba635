import type { ActionOutcome, ActionStep, InProgressEstimate, PendingAfterRestart, ProviderCapabilities, RecoveryReport } from './actions.js';
import type { AlertLogEntry, AutoActCountdown, BaselineSet, RuleState } from './alerts.js';
import type { AlertRule } from './config.js';
import type { KnownIssue, LaunchClock, ReviewRecord, ReviewStatus, ScheduledReview, ShiftOwner } from './cadence.js';
import type { MetricsSnapshot } from './kpi.js';
import type { RoutingState } from './protocol.js';
import type { GatesView } from './gates.js';
import type { RolloutView } from './rollout.js';
import type { Recommendation } from './recommendation.js';
import type { TeamView } from './team.js';

/** What the core pushes to the renderer, a few times a second at most. */

export type ConnectionPhase = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'disconnected';

/** Events of one kind the console refused, and why it refused the newest of them. */
export interface EventCount {
  count: number;
  lastReason: string | null;
  /** Wall-clock ms of the newest. */
  lastAt: number | null;
}

export interface StreamStatus {
  phase: ConnectionPhase;
  url: string;
  /**
   * Wall-clock ms since the last event accepted (a heartbeat counts when the console holds every
   * seq it announces); null before the first.
   */
  dataAgeMs: number | null;
  lastEventAt: number | null;
  /** Stream time (the platform's clock), epoch ms. */
  streamTime: number | null;
  seq: number;
  reconnects: number;
  launchId: string | null;
  /** Events that failed validation, or whose seq jumped past the newest the server announced. */
  rejected: EventCount;
  /** Events dated before the accepted window of platform time (the hello's serverTime minus its limit). */
  late: EventCount;
  /** Events dated past the platform's clock plus its limit; they never move stream time. */
  future: EventCount;
  /** Events with a seq already processed. */
  duplicates: EventCount;
  /** Seq ranges that never arrived: the server could no longer replay them, or skipped them on a resume. */
  gaps: { from: number; to: number }[];
  lastError: string | null;
  /**
   * Voice platforms a relay has heard nothing from for longer than it expects (its heartbeats
   * say when each last delivered a webhook): calls may be ending unseen while the stream is up.
   */
  quietPlatforms?: QuietPlatform[];
}

export interface QuietPlatform {
  platform: string;
  /** Relay time of the platform's last webhook; null when none came since the relay started. */
  lastWebhookAt: number | null;
  quietForMs: number;
}

export interface RoutingView {
  state: RoutingState | null;
  /** Where the figure came from and when: the stream's routing event or a provider read. */
  source: 'stream' | 'provider' | null;
  observedAt: number | null;
  error: string | null;
}

export interface ActionsView {
  /** The action being executed right now, if any (the newest when several run at once). */
  inFlight: {
    intentId: string;
    action: string;
    startedAt: number;
    step: ActionStep;
    /** Attempts of the current step so far (POSTs all with one idempotency key, or reads). */
    attempt: number;
    /** Attempts each step may take. */
    maxAttempts: number;
    /** Past the verdict's deadline: the operator was told the console goes on trying in the background. */
    background: boolean;
  } | null;
  lastOutcome: ActionOutcome | null;
  /** What the routing provider can do: the page offers nothing else. */
  capabilities: ProviderCapabilities;
  /** Wall-clock ms when lastOutcome settled. */
  lastOutcomeAt: number | null;
  /** Proof from the stream and the KPIs after the last verified action. */
  recovery: RecoveryReport | null;
  /** Which action the recovery watch follows, and why it follows no KPI when it follows none. */
  recoveryNote: string | null;
  /** Agent calls in progress, estimated from the stream (Little's law); null when unknown. */
  inProgressEstimate: InProgressEstimate | null;
  /** Actions confirmed before the console restarted, not applied (or not known to be), awaiting a decision. */
  pendingAfterRestart: PendingAfterRestart[];
  /** The audit log's chain check when the console opened it. */
  auditOpened: import('./audit.js').AuditVerifyResult;
}

export interface AlertView {
  rule: AlertRule;
  state: RuleState;
  acknowledged: { by: string; at: number } | null;
  /** The rule's recommended action aimed at the intents whose figures breach; null when it has none. */
  recommendation: Recommendation | null;
}

export interface AlertsView {
  alerts: AlertView[];
  log: AlertLogEntry[];
  countdowns: AutoActCountdown[];
  baselines: BaselineSet;
  /** Wall-clock ms of the last evaluation. */
  evaluatedAt: number | null;
  /** Why alert state was not carried over from the last run, or is not being saved. */
  problem: string | null;
}

export interface ReviewView {
  review: ScheduledReview;
  status: ReviewStatus;
  record: ReviewRecord | null;
}

export interface CadenceView {
  clock: LaunchClock | null;
  /** The launch clock (stream time carried forward) the statuses were computed at; countdowns count from it. */
  now: number;
  /** Empty until T0 is known. */
  reviews: ReviewView[];
  nextReviewId: string | null;
  knownIssues: KnownIssue[];
  shiftHistory: ShiftOwner[];
  /** Lines of the review records that could not be read (a torn last line after a crash), "line: reason". */
  loadProblems: string[];
}

export interface SamplingView {
  /** Calls held for sampling now (bounded), and calls counted since the launch began. */
  keptCalls: number;
  seenCalls: number;
  sessions: number;
  /** The launch so far, epoch ms, half-open: from the first call's hour to the launch clock. Null before any call. */
  span: { from: number; to: number } | null;
  /** Why calls may be missing from sampling (a disk failure, lines skipped on load); null when all is well. */
  problem: string | null;
}

export interface ConsoleSnapshot {
  launchName: string;
  intents: string[];
  stream: StreamStatus;
  metrics: MetricsSnapshot | null;
  routing: RoutingView;
  /** The current shift owner: every action is stamped with this name. */
  operator: ShiftOwner | null;
  actions: ActionsView;
  alerts: AlertsView;
  cadence: CadenceView;
  sampling: SamplingView;
  gates: GatesView;
  rollout: RolloutView;
  /**
   * Whether the launch configuration gives manual steps for an action the provider does not
   * confirm; without them the emergency panel says so before the emergency, not during it.
   */
  hasRunbook: boolean;
  /** Who else is here and the shift's handover; null on one desk. */
  team: TeamView | null;
  /**
   * Counters for what the page fetches by request rather than receives here, so every window
   * fetches it again within one push of a change, whoever made it.
   */
  revisions: DataRevisions;
  generatedAt: number;
}

/** Each number only grows while the console runs; a change of value, not its size, tells the page to fetch again. */
export interface DataRevisions {
  /** The seq of the newest audit entry (0 while the log is empty): moves with every append, by anyone. */
  audit: number;
  /** Moves with every sampling session drawn or redrawn and every annotation saved, in any session. */
  sampling: number;
  /** Per session id, moves with every annotation saved in that session (a session without one may be left out). */
  samplingSessions: Record<string, number>;
  /** Moves each time the routing provider's token is set or replaced ('routing:set-token'). */
  routingToken: number;
}
