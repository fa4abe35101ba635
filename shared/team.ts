import { z } from 'zod';
import { AuditEntrySchema } from './audit.js';
import type { BridgeChannel } from './bridge-channels.js';
import type { RoutingActionName } from './protocol.js';

/**
 * Team mode: one launch shared by several operators through a console server. Who may do what
 * is decided here and in the launch configuration, and enforced by the server, never the page.
 */

export const ROLES = ['admin', 'operator', 'reviewer', 'viewer'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/**
 * What a bridge channel asks of its caller. Each role holds its own rights and those of the
 * roles below it: a viewer reads, a reviewer also reviews and annotates, an operator also acts
 * on the launch (emergency actions, alerts, the ramp), an admin also changes what the launch is
 * measured against (T0, gate owners, the go/no-go).
 */
export const ACCESS_LEVELS = ['read', 'review', 'operate', 'admin'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

const ROLE_LEVEL: Record<Role, AccessLevel> = { viewer: 'read', reviewer: 'review', operator: 'operate', admin: 'admin' };

export function roleMay(role: Role, level: AccessLevel): boolean {
  return ACCESS_LEVELS.indexOf(ROLE_LEVEL[role]) >= ACCESS_LEVELS.indexOf(level);
}

export const CHANNEL_ACCESS: Record<BridgeChannel, AccessLevel> = {
  'console:snapshot': 'read',
  'operator:set-shift-owner': 'operate',
  'routing:prepare': 'operate',
  'routing:execute': 'operate',
  'routing:refresh': 'read',
  'routing:resolve-pending': 'operate',
  'routing:token-status': 'read',
  'routing:set-token': 'admin',
  'audit:list': 'read',
  'audit:export': 'read',
  'alerts:acknowledge': 'operate',
  'alerts:cancel-auto-act': 'operate',
  'alerts:capture-baseline': 'operate',
  'alerts:revert-baseline': 'admin',
  'cadence:set-t0': 'admin',
  'review:open': 'review',
  'review:check': 'review',
  'review:complete': 'review',
  'known-issue:upsert': 'review',
  'sampling:start': 'review',
  'sampling:redraw': 'review',
  'sampling:sessions': 'read',
  'sampling:session': 'read',
  'sampling:annotate': 'review',
  'sampling:reveal': 'review',
  'sampling:recording': 'read',
  'sampling:export': 'review',
  'gates:set-owner': 'admin',
  'gates:tick': 'review',
  'gates:add-evidence': 'review',
  'gates:set-result': 'review',
  'gates:accept-risk': 'admin',
  'gates:set-mode': 'admin',
  'gates:decide': 'admin',
  'gates:export': 'read',
  'rollout:promote': 'operate',
  'rollout:check': 'operate',
  'rollout:return-to': 'operate',
  'rehearsal:start': 'operate',
  'rehearsal:trigger': 'operate',
  'rehearsal:tick': 'operate',
  'rehearsal:restore': 'operate',
  'rehearsal:finish': 'operate',
  'report:build': 'read',
  'report:pdf': 'read',
  'team:me': 'read',
  'team:presence': 'read',
  'team:take-shift': 'operate',
  'team:offer-handover': 'operate',
  'team:accept-handover': 'operate',
  'team:cancel-handover': 'operate',
  'team:merge-offline': 'operate',
};

const roles = z.array(RoleSchema).min(1);

/**
 * "Who can trigger rollback?" answered in advance: the roles allowed each routing action. A
 * promotion or return on the ramp is a `set_share`.
 */
export const ActionPermissionsSchema = z.strictObject({
  pause_ramp: roles.default(['admin', 'operator']),
  route_fallback: roles.default(['admin', 'operator']),
  route_human: roles.default(['admin', 'operator']),
  stop_all: roles.default(['admin', 'operator']),
  rollback: roles.default(['admin', 'operator']),
  resume: roles.default(['admin', 'operator']),
  set_share: roles.default(['admin', 'operator']),
} satisfies Record<RoutingActionName, z.ZodType>);
export type ActionPermissions = z.infer<typeof ActionPermissionsSchema>;

const DEFAULT_PERMISSIONS: ActionPermissions = {
  pause_ramp: ['admin', 'operator'],
  route_fallback: ['admin', 'operator'],
  route_human: ['admin', 'operator'],
  stop_all: ['admin', 'operator'],
  rollback: ['admin', 'operator'],
  resume: ['admin', 'operator'],
  set_share: ['admin', 'operator'],
};

export const TeamConfigSchema = z.strictObject({
  /** Name of the environment variable holding the PostgreSQL URL (never the URL itself, which may carry a password). */
  databaseUrlEnv: z.string().min(1).default('LAUNCH_DATABASE_URL'),
  /** The launch's name in the database; by default made from the launch name. */
  launchId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, starting with a letter or digit')
    .optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(4320),
  /** Certificate and key in PEM: the server speaks HTTPS itself. */
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  /** A TLS-terminating proxy in front forwards to this server; cookies are then marked Secure. */
  behindTlsProxy: z.boolean().default(false),
  /** The address operators open (the proxy's, when there is one); sign-in links are made with it. */
  publicUrl: z.url().optional(),
  /** A session unused this long is over; the operator signs in again. */
  sessionIdleMin: z.number().positive().max(24 * 60).default(30),
  /** A session ends after this long whatever its use: about a shift. */
  sessionMaxHours: z.number().positive().max(7 * 24).default(12),
  /** How long a sign-in link may wait before it is used (once). */
  signInLinkMin: z.number().positive().max(7 * 24 * 60).default(60),
  actions: ActionPermissionsSchema.default(DEFAULT_PERMISSIONS),
});
export type TeamConfig = z.infer<typeof TeamConfigSchema>;

export function roleMayAct(permissions: ActionPermissions, role: Role, action: RoutingActionName): boolean {
  return permissions[action].includes(role);
}

/** The screens presence reports; the renderer's views. */
export const SCREENS = ['dashboard', 'alerts', 'reviews', 'sampling', 'decision', 'audit'] as const;
export const ScreenSchema = z.enum(SCREENS);
export type Screen = z.infer<typeof ScreenSchema>;

export interface PresentOperator {
  name: string;
  role: Role;
  /** One entry per open window or tab, the screen each shows. */
  screens: Screen[];
  /** When the first of their windows connected, epoch ms. */
  since: number;
}

export interface HandoverOffer {
  from: string;
  /** The operator named in advance; null when any operator may accept. */
  to: string | null;
  note: string;
  offeredAt: number;
}

/** The team's servers and database as the instance serving this window sees them. */
export interface TeamHealth {
  /** The console-server instance serving this window. */
  instance: string;
  /** The instance that evaluates alerts and runs countdowns; null while none holds the lead. */
  leader: string | null;
  database: { reachable: boolean; since: number | null; problem: string | null };
  /**
   * Set while this window's console acts on its own, straight through the routing provider: the
   * database (an instance) or the team server (a desktop app) cannot be reached. Its actions are
   * kept in a local journal and appended to the team's audit log once it is back.
   */
  actingAlone: { since: number; why: string } | null;
  /** Actions taken alone and not yet in the team's audit log. */
  journaledAlone: number;
}

export interface TeamView {
  present: PresentOperator[];
  handover: HandoverOffer | null;
  health: TeamHealth | null;
}

/** Who the caller is, as the server knows them; `single` on one desk without sign-in. */
export type Me =
  | { mode: 'single' }
  | { mode: 'team'; name: string; role: Role; sessionEndsAt: number; may: Record<AccessLevel, boolean>; actions: RoutingActionName[] };

export const TEAM_REQUESTS = {
  'team:me': z.object({}).strict(),
  'team:presence': z.object({ screen: ScreenSchema }).strict(),
  'team:take-shift': z.object({ note: z.string().max(4000).optional() }).strict(),
  'team:offer-handover': z.object({ to: z.string().trim().min(1).max(200).optional(), note: z.string().trim().min(1, 'a handover needs a note for the next owner').max(4000) }).strict(),
  'team:accept-handover': z.object({}).strict(),
  'team:cancel-handover': z.object({}).strict(),
  /**
   * Actions a desk took on its own while it could not reach the team (its local journal, a hash
   * chain of audit entries of its own), appended to the team's audit log with their original
   * times and hashes. Sending the same journal again appends nothing twice.
   */
  'team:merge-offline': z
    .object({
      journalId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, dashes or underscores'),
      desk: z.string().trim().min(1).max(200),
      entries: z.array(AuditEntrySchema).min(1).max(1000),
    })
    .strict(),
};

export interface OfflineMerge {
  /** Entries appended now, and entries of this journal the team's log already had. */
  merged: number;
  already: number;
  /** The team log's seqs the merged entries were given, in order. */
  seqs: number[];
}

/** Said when a team-only request reaches a console on one desk. */
export const TEAM_ONLY = 'This console runs on one desk: there is no team to hand over to. Set the shift owner by name instead.';
