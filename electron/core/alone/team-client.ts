import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { AuditEntry } from '../../../shared/audit.js';
import { runbookFor, type LaunchConfig } from '../../../shared/config.js';
import {
  BRIDGE_REQUESTS,
  isBridgeChannel,
  type BridgeChannel,
  type BridgeRequest,
  type BridgeResponse,
  type ConsolePush,
  type WsServerFrame,
} from '../../../shared/bridge.js';
import type { ConsoleSnapshot, RoutingView } from '../../../shared/console-state.js';
import { describeZodError } from '../../../shared/protocol.js';
import { CHANNEL_ACCESS, type Me, type OfflineMerge, type TeamHealth } from '../../../shared/team.js';
import { auditEntryMatches } from '../audit/audit-log.js';
import { BridgeRequestError } from '../engine/bridge-dispatch.js';
import type { Handler } from '../engine/feature.js';
import type { RoutingProvider } from '../routing/provider.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { ActingAlone, ALONE_ACTIONS, isAloneAction, ONLY_ALONE_ACTIONS, type AloneOperator, type AloneReason } from './acting-alone.js';
import { aloneDocument, AloneJournal } from './alone-journal.js';

/** The team server's bridge WebSocket path (electron/web/bridge-socket.ts). */
const BRIDGE_PATH = '/bridge';
/** What this desk last heard from the team server, kept so a restart while it is away still knows who is signed in. */
export const LAST_KNOWN_FILE = 'last-known.json';
/** Entries sent in one merge; the server takes at most 1000. */
const MERGE_BATCH = 500;

/** Where the desk stands with its team server. */
export type TeamLinkState =
  /** Opening the first connection. */
  | 'connecting'
  | 'connected'
  /** Lost it a moment ago; trying again, not acting alone yet. */
  | 'reconnecting'
  /** Unreachable for longer than the grace: pause, fallback and stop go straight to the provider. */
  | 'alone'
  /** The server ended this desk's session (revoked, signed out, timed out) or refused it: sign in again. */
  | 'signed-out'
  | 'closed';

export interface TeamLinkStatus {
  state: TeamLinkState;
  /** Since when the server is unreachable (or the session ended), and why; null while connected. */
  lost: AloneReason | null;
  /** Reconnect attempts since the connection was lost. */
  attempts: number;
  /** When the next attempt is due, epoch ms; null when none is scheduled. */
  nextAttemptAt: number | null;
  /** Actions taken alone not yet in the team's audit log. */
  journaledAlone: number;
}

export type LocalHandlers = { [C in BridgeChannel]?: Handler<C> };

export interface TeamClientOptions {
  /** The team server's origin, http(s)://host:port, as its sign-in link names it. */
  serverUrl: string;
  /** The session cookie, `name=value`. */
  cookie: string;
  /** The launch configuration on this desk: its routing section drives the provider when acting alone. */
  config: LaunchConfig;
  /** The routing provider with this desk's own token, used only while acting alone. */
  provider: RoutingProvider;
  /** The local folder of the journal of actions taken alone (and what was last heard from the server). */
  aloneDir: string;
  /** This desk's name in the team's audit log (the machine's name). */
  desk: string;
  /** Channels answered on this desk whatever the connection (the desktop app's routing token). */
  local?: LocalHandlers;
  /** How long the server may be away before the desk acts alone. */
  graceMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** A connection that does not answer a ping within this long is taken for lost. */
  pingMs?: number;
  /** Snapshots pushed this often while alone. */
  pushIntervalMs?: number;
  /** How often the provider is read while alone. */
  providerPollMs?: number;
  /** A certificate authority to trust for a server with its own certificate (PEM). */
  ca?: string | Buffer;
  /** Values never written to the journal (the routing token). */
  secrets?: string[];
  now?: () => number;
  /** Lines for the app's log: connection changes and merges. */
  log?: (line: string) => void;
}

interface InFlightCall {
  channel: BridgeChannel;
  resolve(value: unknown): void;
  reject(e: Error): void;
}

interface LastKnown {
  me: Extract<Me, { mode: 'team' }> | null;
  snapshot: ConsoleSnapshot | null;
  snapshotAt: number | null;
}

const CONNECTION_WORDS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (the server is not running there)',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  ENOTFOUND: 'the server name does not resolve',
};

function describeError(e: Error | null): string | null {
  if (!e) return null;
  const code = (e as NodeJS.ErrnoException).code;
  if (code && CONNECTION_WORDS[code]) return CONNECTION_WORDS[code];
  return e.message;
}

/** A call the connection dropped under: whether the server ran it is not known. */
class ConnectionDropped extends Error {}

/** Calls that change nothing (reads, a confirm's preparation): asked again once the connection settles, connected or alone. */
function safeToAskAgain(channel: BridgeChannel): boolean {
  return CHANNEL_ACCESS[channel] === 'read' || channel === 'routing:prepare' || channel === 'team:presence';
}

/** What a snapshot must hold for this desk to carry it on alone. */
function isSnapshot(value: unknown): value is ConsoleSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['stream', 'routing', 'actions'].every((k) => typeof v[k] === 'object' && v[k] !== null) && typeof v.generatedAt === 'number';
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19) + ' UTC';
}

/**
 * The desktop app's bridge to a team server, in plain Node: one WebSocket signed in with the
 * session cookie, bridge calls forwarded and answered, the server's pushes passed on. When the
 * server cannot be reached for a few seconds the desk acts alone: it keeps pushing the last
 * snapshot it had, marked as not live and as acting alone; Pause ramp, Route to fallback and
 * Stop all go straight through the routing provider with this desk's token (journaled, read
 * back); anything else is refused, saying why. When the server is back the journal is appended
 * to the team's audit log, retried until the server acknowledges it.
 */
export class TeamClient {
  private state: TeamLinkState = 'connecting';
  private ws: WebSocket | null = null;
  private lastError: Error | null = null;
  private lost: AloneReason | null = null;
  private attempts = 0;
  private nextAttemptAt: number | null = null;
  private nextId = 1;
  private readonly calls = new Map<number, InFlightCall>();
  private readonly listeners = new Set<(push: ConsolePush) => void>();
  private readonly stateWaiters = new Set<() => void>();
  private known: LastKnown;
  private lastSaved = 0;
  private graceTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private aloneTimer: NodeJS.Timeout | null = null;
  private mergeTimer: NodeJS.Timeout | null = null;
  private merging: Promise<void> | null = null;
  private mergeFailures = 0;
  private mergeProblemTold: string | null = null;
  /** Whether `team:me` and the snapshot were read since the connection was made. */
  private knownFresh = false;
  private refreshing = false;
  private readonly now: () => number;
  private readonly graceMs: number;

  private constructor(
    private readonly options: TeamClientOptions,
    readonly journal: AloneJournal,
    readonly alone: ActingAlone,
  ) {
    this.now = options.now ?? Date.now;
    this.graceMs = options.graceMs ?? 3000;
    this.known = readLastKnown(options.aloneDir);
  }

  static async open(options: TeamClientOptions): Promise<TeamClient> {
    const url = new URL(options.serverUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the team server address must be http(s)://host:port, not ${options.serverUrl}`);
    if (!/^[^=;\s]+=[^;\s]*$/.test(options.cookie)) throw new Error('the session cookie must be name=value, as the sign-in set it');
    const journal = await AloneJournal.open(options.aloneDir, { ...(options.now ? { now: options.now } : {}), ...(options.secrets ? { secrets: options.secrets } : {}) });
    let client: TeamClient | null = null;
    const alone = await ActingAlone.open({
      provider: options.provider,
      journal,
      pending: aloneDocument(options.aloneDir),
      routing: options.config.routing,
      intents: options.config.intents,
      desk: options.desk,
      runbookFor: (action) => runbookFor(options.config, action),
      notify: (push) => client?.emit(push),
      ...(options.now ? { now: options.now } : {}),
    });
    client = new TeamClient(options, journal, alone);
    client.start();
    return client;
  }

  /** The bridge call the page makes, as the desktop's IPC handler passes it on. */
  async dispatch(channel: unknown, request: unknown): Promise<unknown> {
    if (!isBridgeChannel(channel)) throw new BridgeRequestError(`unknown bridge channel ${JSON.stringify(channel)}`);
    const parsed = BRIDGE_REQUESTS[channel].safeParse(request ?? {});
    if (!parsed.success) throw new BridgeRequestError(`${channel}: ${describeZodError(parsed.error)}`);
    const local = this.options.local?.[channel] as Handler<BridgeChannel> | undefined;
    if (local) return local(parsed.data as never);
    await this.settledState();
    switch (this.state) {
      case 'connected':
        try {
          return await this.forward(channel, request ?? {});
        } catch (e) {
          if (e instanceof ConnectionDropped && safeToAskAgain(channel)) return this.dispatch(channel, request);
          throw e;
        }
      case 'alone':
        return this.aloneCall(channel, parsed.data);
      case 'signed-out':
        throw new Error(`the team server ended this desk's session (${this.lost?.why ?? 'signed out'}): sign in again with a new link from an admin`);
      default:
        throw new Error('this desk has closed its connection to the team server');
    }
  }

  invoke<C extends BridgeChannel>(channel: C, request: BridgeRequest<C>): Promise<BridgeResponse<C>> {
    return this.dispatch(channel, request) as Promise<BridgeResponse<C>>;
  }

  onPush(listener: (push: ConsolePush) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): TeamLinkStatus {
    return {
      state: this.state,
      lost: this.lost ? { ...this.lost } : null,
      attempts: this.attempts,
      nextAttemptAt: this.nextAttemptAt,
      journaledAlone: this.journal.unmergedCount,
    };
  }

  /** The last snapshot and `team:me` the server sent (kept across a restart of the app). */
  lastKnown(): Readonly<LastKnown> {
    return this.known;
  }

  /** Resolves once the journal is merged (nothing left unmerged) while connected, or rejects after the time given. */
  async whenMerged(timeoutMs = 10_000): Promise<void> {
    const until = this.now() + timeoutMs;
    while (this.journal.unmergedCount > 0 || this.state !== 'connected') {
      if (this.now() > until) throw new Error(`the journal is not merged within ${timeoutMs} ms (${this.state}, ${this.journal.unmergedCount} unmerged)`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    this.setState('closed');
    this.clearTimers();
    this.ws?.terminate();
    this.ws = null;
    this.rejectCalls('this desk closed its connection to the team server');
    this.saveKnown(true);
    await this.alone.close();
    await this.journal.close();
  }

  // --- the connection ---------------------------------------------------------------------

  private start(): void {
    // A first connection that fails (refused, closed, or no handshake within its timeout) starts the
    // same grace as a lost one: a laptop opened while the server is down acts alone after it.
    this.lost = null;
    this.connect();
  }

  private connect(): void {
    if (this.state === 'closed' || this.state === 'signed-out') return;
    this.nextAttemptAt = null;
    this.lastError = null;
    const base = new URL(this.options.serverUrl);
    const wsUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${BRIDGE_PATH}`;
    const ws = new WebSocket(wsUrl, {
      headers: { Cookie: this.options.cookie, Origin: base.origin },
      handshakeTimeout: 5000,
      maxPayload: 16 * 1024 * 1024,
      ...(this.options.ca !== undefined ? { ca: this.options.ca } : {}),
    });
    this.ws = ws;
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    ws.on('message', (data) => {
      let frame: WsServerFrame;
      try {
        frame = JSON.parse(String(data)) as WsServerFrame;
      } catch {
        return;
      }
      if (frame.type === 'ready') {
        this.onReady(ws, () => {
          if (!alive) {
            this.log(`the team server did not answer a ping within ${this.options.pingMs ?? 5000} ms: taking the connection for lost`);
            ws.terminate();
            return;
          }
          alive = false;
          ws.ping();
        });
      } else if (frame.type === 'result') {
        const call = this.calls.get(frame.id);
        this.calls.delete(frame.id);
        if (!call) return;
        if (frame.ok) call.resolve(frame.result);
        else call.reject(new Error(frame.error));
      } else if (frame.type === 'push') {
        this.onServerPush(frame.push);
      }
    });
    ws.on('error', (e) => {
      this.lastError = e;
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onClosed(code, String(reason));
    });
  }

  private onReady(ws: WebSocket, ping: () => void): void {
    if (this.ws !== ws) return;
    const wasAlone = this.state === 'alone';
    const lost = this.lost;
    this.clearTimer('graceTimer');
    this.clearTimer('retryTimer');
    this.clearTimer('aloneTimer');
    this.clearTimer('pingTimer');
    this.pingTimer = setInterval(ping, this.options.pingMs ?? 5000);
    this.attempts = 0;
    this.lost = null;
    this.setState('connected');
    this.log(`connected to the team server ${this.options.serverUrl}`);
    if (wasAlone && lost) {
      this.emit({
        kind: 'notification',
        id: 'team-server-back',
        title: 'The team server is back: this desk no longer acts alone',
        body: `Unreachable from ${clock(lost.since)} to ${clock(this.now())}. ${this.journal.unmergedCount > 0 ? `${this.journal.unmergedCount} action(s) taken alone are being added to the team's audit log.` : 'Nothing was taken alone.'}`,
        severity: 'warning',
      });
    }
    this.knownFresh = false;
    void this.refreshKnown();
    this.kickMerge();
    // Retries what did not go through (a server instance not yet leading answers "try again shortly").
    this.mergeTimer ??= setInterval(() => {
      if (!this.knownFresh) void this.refreshKnown();
      this.kickMerge();
    }, 2000);
  }

  private onClosed(code: number, reason: string): void {
    this.clearTimer('pingTimer');
    const dropped = this.state === 'connected';
    this.rejectCalls(
      dropped ? 'the connection to the team server dropped before its answer' : 'the team server could not be reached',
      'routing:execute',
      ': the action may or may not have been sent by the team server; the routing panel shows what the provider reads back',
    );
    if (this.state === 'closed') return;
    // The server ended the session: not a lost server, and acting alone would outlive a revocation.
    if (code === 4401) return this.signedOut(reason || 'the session ended');
    const status = /Unexpected server response: (\d+)/.exec(this.lastError?.message ?? '')?.[1];
    if (status === '401' || status === '403') return this.signedOut(`the server refused this desk's connection (${status}): the cookie or the address is not accepted`);
    const why = describeError(this.lastError) ?? (code === 1006 ? 'the connection closed without a goodbye' : `the connection closed (${code}${reason ? `: ${reason}` : ''})`);
    const since = this.lost?.since ?? this.now();
    if (!this.lost) {
      this.lost = { since, why: `${why} (${this.options.serverUrl})` };
      this.log(`lost the team server: ${this.lost.why}`);
      if (dropped) {
        this.emit({
          kind: 'notification',
          id: 'team-server-lost',
          title: 'Lost the team server: reconnecting',
          body: `${this.lost.why}. Reconnecting; if it is not back within ${Math.round(this.graceMs / 1000)} s this desk acts alone (only Pause ramp, Route to fallback and Stop all, straight through the routing provider).`,
          severity: 'critical',
        });
      }
      this.armGrace(since);
    }
    if (this.state !== 'alone') this.setState(this.state === 'connecting' ? 'connecting' : 'reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.attempts++;
    const base = this.options.reconnectBaseMs ?? 250;
    const cap = this.options.reconnectMaxMs ?? 5000;
    const delay = Math.min(cap, base * 2 ** Math.min(this.attempts - 1, 16)) * (0.75 + Math.random() * 0.5);
    this.nextAttemptAt = this.now() + delay;
    this.clearTimer('retryTimer');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private armGrace(since: number): void {
    if (this.graceTimer || this.state === 'alone') return;
    const wait = Math.max(0, since + this.graceMs - this.now());
    this.graceTimer = setTimeout(() => {
      this.graceTimer = null;
      if (this.state === 'connecting' || this.state === 'reconnecting') this.goAlone();
    }, wait);
  }

  private goAlone(): void {
    const lost = (this.lost ??= { since: this.now(), why: describeError(this.lastError) ?? 'no answer from the team server' });
    this.setState('alone');
    this.log(`acting alone since ${new Date(lost.since).toISOString()}: ${lost.why}`);
    this.saveKnown(true);
    this.emit({
      kind: 'notification',
      id: 'acting-alone',
      title: 'Acting alone: the team server is unreachable',
      body: `Since ${clock(lost.since)} (${lost.why}). This desk shows the team's last figures, not live ones. Pause ramp, Route to fallback and Stop all go straight to the routing provider with this desk's token, are read back and kept in a local journal that joins the team's audit log once the server is back; everything else waits for it. Still reconnecting.`,
      severity: 'critical',
    });
    void this.alone.readState().catch(() => undefined);
    const poll = this.options.providerPollMs ?? 3000;
    let lastPoll = this.now();
    this.aloneTimer = setInterval(() => {
      try {
        if (this.now() - lastPoll >= poll) {
          lastPoll = this.now();
          void this.alone.readState().catch(() => undefined);
        }
        const snapshot = this.aloneSnapshot();
        if (snapshot) this.emit({ kind: 'snapshot', snapshot });
      } catch (e) {
        this.log(`could not make the snapshot of this desk acting alone: ${(e as Error).message}`);
      }
    }, this.options.pushIntervalMs ?? 1000);
    try {
      const first = this.aloneSnapshot();
      if (first) this.emit({ kind: 'snapshot', snapshot: first });
    } catch (e) {
      this.log(`could not make the snapshot of this desk acting alone: ${(e as Error).message}`);
    }
  }

  private signedOut(why: string): void {
    this.lost = { since: this.now(), why };
    this.clearTimers();
    this.setState('signed-out');
    this.log(`the team server ended this desk's session: ${why}`);
    this.emit({
      kind: 'notification',
      id: 'team-session-ended',
      title: 'Signed out of the team server',
      body: `${why}. This desk cannot act, alone or otherwise, until you sign in again with a new link from an admin.`,
      severity: 'critical',
    });
  }

  private setState(next: TeamLinkState): void {
    this.state = next;
    for (const w of [...this.stateWaiters]) w();
  }

  /** A call made while the connection is being made or made again waits for the outcome: connected, or alone after the grace. */
  private settledState(): Promise<void> {
    if (this.state !== 'connecting' && this.state !== 'reconnecting') return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.state === 'connecting' || this.state === 'reconnecting') return;
        this.stateWaiters.delete(check);
        resolve();
      };
      this.stateWaiters.add(check);
    });
  }

  private forward(channel: BridgeChannel, request: unknown): Promise<unknown> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new ConnectionDropped(`${channel}: the team server connection is not open; try again in a moment`));
    if (channel === 'routing:execute' && this.alone.knows((request as { intentId: string }).intentId)) {
      return Promise.reject(
        new Error('intentId: this confirm was opened while the desk acted alone; the team server is back, so open the confirm again and the team console sends it'),
      );
    }
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.calls.set(id, {
        channel,
        resolve: (value) => {
          if (channel === 'team:me') this.rememberMe(value as Me);
          resolve(value);
        },
        reject,
      });
      ws.send(JSON.stringify({ type: 'invoke', id, channel, request }), (e) => {
        if (!e) return;
        this.calls.delete(id);
        reject(new Error(`could not send ${channel} to the team server: ${e.message}`));
      });
    });
  }

  private rejectCalls(why: string, special?: BridgeChannel, more = ''): void {
    for (const [id, call] of this.calls) {
      this.calls.delete(id);
      call.reject(new ConnectionDropped(`${call.channel}: ${why}${call.channel === special ? more : ''}`));
    }
  }

  private onServerPush(push: ConsolePush): void {
    if (push.kind === 'snapshot') {
      if (!isSnapshot(push.snapshot)) return;
      this.known.snapshot = push.snapshot;
      this.known.snapshotAt = this.now();
      this.saveKnown(false);
      this.emit({ kind: 'snapshot', snapshot: this.withJournalCount(push.snapshot) });
    } else this.emit(push);
  }

  /** While actions taken alone wait to be merged, the team view says how many. */
  private withJournalCount(snapshot: ConsoleSnapshot): ConsoleSnapshot {
    const n = this.journal.unmergedCount;
    if (n === 0 || !snapshot.team) return snapshot;
    return { ...snapshot, team: { ...snapshot.team, health: { ...this.healthBase(snapshot), actingAlone: null, journaledAlone: n } } };
  }

  private async refreshKnown(): Promise<void> {
    if (this.refreshing || this.state !== 'connected') return;
    this.refreshing = true;
    try {
      this.rememberMe((await this.forward('team:me', {})) as Me);
      const snapshot = await this.forward('console:snapshot', {});
      if (isSnapshot(snapshot)) {
        this.known.snapshot = snapshot;
        this.known.snapshotAt = this.now();
      }
      this.saveKnown(true);
      this.knownFresh = true;
    } catch (e) {
      this.log(`could not read who this desk is from the team server: ${(e as Error).message}`);
    } finally {
      this.refreshing = false;
    }
  }

  private rememberMe(me: Me): void {
    this.known.me = me.mode === 'team' ? me : null;
    this.saveKnown(true);
  }

  private saveKnown(now: boolean): void {
    if (!now && this.now() - this.lastSaved < 15_000) return;
    this.lastSaved = this.now();
    try {
      writeFileAtomic(join(this.options.aloneDir, LAST_KNOWN_FILE), JSON.stringify({ version: 1, ...this.known }));
    } catch (e) {
      this.log(`could not keep the team server's last snapshot on this desk: ${(e as Error).message}`);
    }
  }

  // --- merging the journal ----------------------------------------------------------------

  private kickMerge(): void {
    if (this.merging || this.state !== 'connected' || this.journal.unmergedCount === 0) return;
    this.merging = this.mergeOnce().finally(() => {
      this.merging = null;
    });
  }

  /** Sends the unmerged entries, batch by batch; the mark moves only on the server's answer. */
  private async mergeOnce(): Promise<void> {
    let merged = 0;
    let already = 0;
    const seqs: number[] = [];
    try {
      for (;;) {
        const entries = await this.journal.unmerged();
        if (entries.length === 0 || this.state !== 'connected') break;
        const batch = entries.slice(0, MERGE_BATCH);
        const answer = (await this.forward('team:merge-offline', { journalId: this.journal.journalId, desk: this.options.desk, entries: batch })) as OfflineMerge;
        await this.journal.markMerged(batch[batch.length - 1] as AuditEntry);
        merged += answer.merged;
        already += answer.already;
        seqs.push(...answer.seqs);
      }
      this.mergeFailures = 0;
      this.mergeProblemTold = null;
    } catch (e) {
      this.mergeFailures++;
      const why = (e as Error).message;
      this.log(`merging the journal of actions taken alone failed (attempt ${this.mergeFailures}): ${why}`);
      // A server instance taking over answers "try again shortly" for a moment: told once it persists.
      if (this.mergeFailures >= 3 && this.mergeProblemTold !== why && this.state === 'connected') {
        this.mergeProblemTold = why;
        this.emit({
          kind: 'notification',
          id: 'alone-merge-failed',
          title: 'Actions taken alone are not yet in the team\'s audit log',
          body: `${why}. They stay in this desk's journal (${this.journal.location}) and are sent again until the team server takes them.`,
          severity: 'critical',
        });
      }
      // Backoff between attempts, up to half a minute; the merge timer kicks the next.
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** Math.min(this.mergeFailures, 6))));
    }
    if (merged + already > 0) {
      this.log(`journal ${this.journal.journalId}: ${merged} entr${merged === 1 ? 'y' : 'ies'} added to the team's audit log (seqs ${seqs.join(', ')}), ${already} it had already`);
      if (merged > 0) {
        this.emit({
          kind: 'notification',
          id: 'alone-merged',
          title: `${merged} action${merged === 1 ? '' : 's'} taken alone now in the team's audit log`,
          body: `Appended with their original times and hashes (team log seq ${seqs.join(', ')}).`,
          severity: 'info',
        });
      }
    }
  }

  // --- acting alone -----------------------------------------------------------------------

  private who(): AloneOperator | null {
    const me = this.known.me;
    return me ? { name: me.name, role: me.role, actions: me.actions, sessionEndsAt: me.sessionEndsAt } : null;
  }

  private async aloneCall(channel: BridgeChannel, request: unknown): Promise<unknown> {
    const lost = this.lost ?? { since: this.now(), why: 'the team server is unreachable' };
    switch (channel) {
      case 'console:snapshot': {
        const snapshot = this.aloneSnapshot();
        if (!snapshot) throw new Error('the team server is unreachable and this desk has no snapshot from it yet: only Pause ramp, Route to fallback and Stop all work alone');
        return snapshot;
      }
      case 'team:me':
        if (!this.known.me) throw new Error('the team server is unreachable and this desk has not heard from it who is signed in here');
        return this.known.me;
      case 'team:presence':
        return { ok: true };
      case 'routing:prepare':
        return this.alone.prepare(request as BridgeRequest<'routing:prepare'>, this.who(), this.alone.lastRead?.state ?? this.known.snapshot?.routing.state ?? null);
      case 'routing:execute': {
        const { intentId, reason } = request as BridgeRequest<'routing:execute'>;
        return this.alone.execute(intentId, reason, this.who(), lost);
      }
      case 'routing:refresh':
        return this.readProvider();
      case 'audit:list': {
        // The desk's own journal: the team's log cannot be read now.
        const filter = request as BridgeRequest<'audit:list'>;
        const matching = (await this.journal.entries()).filter((e) => auditEntryMatches(e, filter));
        return filter.limit ? matching.slice(-filter.limit) : matching;
      }
      default:
        if (CHANNEL_ACCESS[channel] === 'read') {
          throw new Error(`${channel}: the team server is unreachable since ${clock(lost.since)}, and this needs it; this desk shows the team's last figures and can only pause, fall back or stop alone`);
        }
        throw new Error(`${channel}: ${ONLY_ALONE_ACTIONS}`);
    }
  }

  private async readProvider(): Promise<RoutingView> {
    try {
      const state = await this.alone.readState();
      return { state, source: 'provider', observedAt: this.now(), error: null };
    } catch (e) {
      const read = this.alone.lastRead;
      return { state: read?.state ?? null, source: read ? 'provider' : null, observedAt: read?.at ?? null, error: (e as Error).message };
    }
  }

  private healthBase(snapshot: ConsoleSnapshot | null): TeamHealth {
    return (
      snapshot?.team?.health ?? {
        instance: this.options.serverUrl,
        leader: null,
        database: { reachable: false, since: null, problem: null },
        actingAlone: null,
        journaledAlone: 0,
      }
    );
  }

  /** The last snapshot from the team server, marked as not live, with what this desk did and read alone. */
  private aloneSnapshot(): ConsoleSnapshot | null {
    const base = this.known.snapshot;
    if (!base) return null;
    const now = this.now();
    const lost = this.lost ?? { since: now, why: 'the team server is unreachable' };
    const age = Math.max(0, now - (this.known.snapshotAt ?? base.generatedAt));
    const read = this.alone.lastRead;
    const last = this.alone.lastOutcome;
    const flight = this.alone.inFlight();
    const caps = this.alone.capabilities();
    const health = this.healthBase(base);
    return {
      ...base,
      stream: {
        ...base.stream,
        phase: 'disconnected',
        dataAgeMs: (base.stream.dataAgeMs ?? 0) + age,
        lastError: `The team server is unreachable since ${clock(lost.since)} (${lost.why}): these are its last figures, ${Math.round(age / 1000)} s old, not live. Reconnecting (attempt ${this.attempts}).`,
      },
      routing: read ? { state: read.state, source: 'provider', observedAt: read.at, error: null } : base.routing,
      actions: {
        ...base.actions,
        inFlight: flight ? { ...flight, maxAttempts: this.alone.maxAttempts, background: false } : null,
        lastOutcome: last?.outcome ?? base.actions.lastOutcome,
        lastOutcomeAt: last?.at ?? base.actions.lastOutcomeAt,
        capabilities: { ...caps, actions: caps.actions.filter(isAloneAction), name: `${caps.name}, from this desk alone (${ALONE_ACTIONS.length} emergency actions)` },
        recovery: null,
        recoveryNote: null,
        inProgressEstimate: null,
        pendingAfterRestart: [],
      },
      team: {
        present: [],
        handover: base.team?.handover ?? null,
        health: { ...health, actingAlone: { since: lost.since, why: lost.why }, journaledAlone: this.journal.unmergedCount },
      },
      generatedAt: now,
    };
  }

  // --- small helpers ----------------------------------------------------------------------

  private emit(push: ConsolePush): void {
    for (const l of this.listeners) {
      try {
        l(push);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private clearTimer(name: 'graceTimer' | 'retryTimer' | 'pingTimer' | 'aloneTimer' | 'mergeTimer'): void {
    const t = this[name];
    if (t) {
      clearTimeout(t);
      clearInterval(t);
    }
    this[name] = null;
  }

  private clearTimers(): void {
    for (const name of ['graceTimer', 'retryTimer', 'pingTimer', 'aloneTimer', 'mergeTimer'] as const) this.clearTimer(name);
  }
}

function readLastKnown(dir: string): LastKnown {
  const empty: LastKnown = { me: null, snapshot: null, snapshotAt: null };
  const path = join(dir, LAST_KNOWN_FILE);
  if (!existsSync(path)) return empty;
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<LastKnown> & { version?: number };
    if (raw.version !== 1) return empty;
    const me = raw.me && raw.me.mode === 'team' && typeof raw.me.name === 'string' && Array.isArray(raw.me.actions) ? raw.me : null;
    return { me, snapshot: isSnapshot(raw.snapshot) ? raw.snapshot : null, snapshotAt: typeof raw.snapshotAt === 'number' ? raw.snapshotAt : null };
  } catch {
    return empty;
  }
}
