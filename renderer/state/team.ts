import type { StateCreator } from 'zustand';
import { ACTION_TITLES } from '../../shared/action-text.js';
import type { BridgeChannel } from '../../shared/bridge-channels.js';
import type { RoutingActionName } from '../../shared/protocol.js';
import { CHANNEL_ACCESS, type AccessLevel, type Me } from '../../shared/team.js';
import type { ConsoleState } from './store.js';

/**
 * How the page's link to the console stands. `down` keeps the moment the link first dropped,
 * across attempts, so the page says for how long its figures have been frozen.
 */
export type Link =
  | { kind: 'connecting' }
  | { kind: 'up' }
  | { kind: 'down'; reason: string; attempt: number; since: number; retryAt: number }
  | { kind: 'refused'; reason: string; mode: 'token' | 'session' };

/**
 * Team mode as this window sees it: who the core says we are (`me`, asked after every connect,
 * since a reconnect may be another session) and the link that carries it. The team view itself
 * (who is here, the handover offer) comes with every snapshot.
 */
export interface TeamSlice {
  me: Me | null;
  link: Link;
  setMe(me: Me | null): void;
  setLink(link: Link): void;
}

export const createTeamSlice: StateCreator<ConsoleState, [], [], TeamSlice> = (set) => ({
  me: null,
  link: { kind: 'connecting' },
  setMe: (me) => set({ me }),
  setLink: (link) => set({ link }),
});

type TeamMe = Extract<Me, { mode: 'team' }>;

export const selectMe = (s: ConsoleState) => s.me;
/** The signed-in operator in team mode; null on one desk and until the core has answered. */
export const selectTeamMe = (s: ConsoleState): TeamMe | null => (s.me?.mode === 'team' ? s.me : null);
/** Team mode as soon as either the core's answer or a snapshot with a team view says so. */
export const selectTeamMode = (s: ConsoleState) => s.me?.mode === 'team' || (s.snapshot?.team ?? null) !== null;
export const selectTeamView = (s: ConsoleState) => s.snapshot?.team ?? null;
export const selectPresent = (s: ConsoleState) => s.snapshot?.team?.present;
export const selectHandover = (s: ConsoleState) => s.snapshot?.team?.handover ?? null;
export const selectLink = (s: ConsoleState) => s.link;
export const selectLinkDown = (s: ConsoleState) => s.link.kind === 'down';

/** The words the server's refusals use, so the title before the click and the refusal after it agree. */
const ACCESS_WORDS: Record<AccessLevel, string> = {
  read: 'see the launch',
  review: 'review and annotate',
  operate: 'act on the launch',
  admin: 'change what the launch is measured against',
};

const WHO_MAY: Record<AccessLevel, string> = {
  read: 'anyone signed in',
  review: 'a reviewer, an operator or an admin',
  operate: 'an operator or an admin',
  admin: 'an admin',
};

/**
 * Why the signed-in operator may not use a control asking for `level`, in words for its title;
 * null when they may, on one desk, and before the core said who they are (the server decides
 * regardless: this only spares a click that would be refused).
 */
export function levelRefusal(me: Me | null, level: AccessLevel): string | null {
  if (me?.mode !== 'team' || me.may[level]) return null;
  return `Signed in as ${anA(me.role)}, you may not ${ACCESS_WORDS[level]}: this takes ${WHO_MAY[level]}.`;
}

export function channelRefusal(me: Me | null, channel: BridgeChannel): string | null {
  return levelRefusal(me, CHANNEL_ACCESS[channel]);
}

/** Routing actions follow the launch configuration's list of who may trigger each, which `me.actions` carries. */
export function actionRefusal(me: Me | null, action: RoutingActionName): string | null {
  if (me?.mode !== 'team' || me.actions.includes(action)) return null;
  return `Signed in as ${anA(me.role)}, you may not trigger “${ACTION_TITLES[action]}”: the launch configuration gives it to other roles.`;
}

function anA(role: string): string {
  return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
}

/** Selectors returning a string or null: equal texts compare equal, so a reader renders only when the answer changes. */
export const selectChannelRefusal = (channel: BridgeChannel) => (s: ConsoleState) => channelRefusal(s.me, channel);
export const selectActionRefusal = (action: RoutingActionName) => (s: ConsoleState) => actionRefusal(s.me, action);

/**
 * Live for everyone: what a screen fetched by request (the audit list, sampling sessions and their
 * annotations, the routing token's status) is fetched again when its counter in the snapshot
 * moves, whoever changed it. Null before the first snapshot.
 */
export const selectAuditRevision = (s: ConsoleState) => s.snapshot?.revisions.audit ?? null;
export const selectSamplingRevision = (s: ConsoleState) => s.snapshot?.revisions.sampling ?? null;
export const selectSessionRevision = (sessionId: string) => (s: ConsoleState) => s.snapshot?.revisions.samplingSessions[sessionId] ?? null;
export const selectRoutingTokenRevision = (s: ConsoleState) => s.snapshot?.revisions.routingToken ?? null;

/**
 * The team's servers and database as the instance serving this window sees them, flattened to
 * plain values so a reader (with useShallow) renders only when one of them changes; null on one
 * desk and before the first snapshot.
 */
export interface TeamHealthView {
  instance: string;
  leader: string | null;
  databaseDown: boolean;
  databaseSince: number | null;
  databaseProblem: string | null;
  aloneSince: number | null;
  aloneWhy: string | null;
  journaledAlone: number;
}

export const selectTeamHealth = (s: ConsoleState): TeamHealthView | null => {
  const h = s.snapshot?.team?.health;
  if (!h) return null;
  return {
    instance: h.instance,
    leader: h.leader,
    databaseDown: !h.database.reachable,
    databaseSince: h.database.since,
    databaseProblem: h.database.problem,
    aloneSince: h.actingAlone?.since ?? null,
    aloneWhy: h.actingAlone?.why ?? null,
    journaledAlone: h.journaledAlone,
  };
};

/**
 * The launch on screen is as last seen, not live: the team's database is unreachable or no
 * instance leads, so nothing runs the launch to send newer figures (acting alone included: it
 * sends actions, not figures).
 */
export const selectTeamFrozen = (s: ConsoleState): boolean => {
  const h = s.snapshot?.team?.health;
  return !!h && (!h.database.reachable || h.leader === null);
};
