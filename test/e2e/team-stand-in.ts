import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from '@playwright/test';
import { WebSocket, WebSocketServer } from 'ws';
import type { BridgeChannel } from '../../shared/bridge-channels.js';
import type { ShiftOwner } from '../../shared/cadence.js';
import type { ConsoleSnapshot, DataRevisions } from '../../shared/console-state.js';
import { RoutingActionNameSchema } from '../../shared/protocol.js';
import { ACCESS_LEVELS, CHANNEL_ACCESS, roleMay, RoleSchema, type HandoverOffer, type Me, type PresentOperator, type Role, type Screen } from '../../shared/team.js';
import type { Harness } from './harness.js';

const COOKIE = 'stand-in-session';

type Frame = { type: string; id?: number; ok?: boolean; error?: string; channel?: string; request?: Record<string, unknown>; push?: { kind: string; snapshot?: ConsoleSnapshot }; result?: unknown };

/**
 * A stand-in for the console server's team side, for the page's team UI until the server's own
 * e2e test: a server on loopback in front of the single-desk web host. Pages are served through
 * it; a bridge socket is let in by a session cookie read at the handshake (none: closed with
 * 4401, as the server does), sent `ready` without any auth frame from the page, and carried to
 * the web host, which this side signs into with the host's token. The team channels are answered
 * here for the cookie's operator, and every snapshot on its way to a page carries the team view,
 * the shift owner and (when asked for) the revision counters kept here, so what one page does
 * shows on the others' next push.
 */
export class TeamStandIn {
  owner: ShiftOwner | null = null;
  offer: HandoverOffer | null = null;
  /** Every team request, in order, as "name channel". */
  readonly requests: string[] = [];
  /** Auth frames pages sent: a page without a token sends none. */
  authFrames = 0;
  /**
   * The snapshot's revision counters as the core is asked to keep them, moved here when a
   * request that changes what they count comes back answered; left out of snapshots when null.
   */
  readonly revisions: DataRevisions | null;
  private readonly windows = new Map<number, { name: string; role: Role; screens: Screen[]; since: number }>();
  private nextWindow = 1;
  private nextInternalId = -1;
  private readonly hostPort: number;
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly h: Harness,
    private readonly server: Server,
    options: { revisions?: boolean },
  ) {
    this.revisions = options.revisions ? { audit: 0, sampling: 0, samplingSessions: {}, routingToken: 0 } : null;
    this.hostPort = Number(new URL(h.host.url).port);
  }

  static async start(h: Harness, options: { revisions?: boolean } = {}): Promise<TeamStandIn> {
    const server = createServer();
    const standIn = new TeamStandIn(h, server, options);
    server.on('request', (req, res) => {
      const upstream = request(
        { host: '127.0.0.1', port: standIn.hostPort, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${standIn.hostPort}` } },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    const wss = new WebSocketServer({ server, path: '/bridge' });
    wss.on('connection', (ws, req) => standIn.connect(ws, req.headers.cookie));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** A page in a browser context of its own, signed in as `name` by its cookie. */
  async open(browser: Browser, name: string, role: Role): Promise<Page> {
    const context = await browser.newContext();
    await context.addCookies([{ name: COOKIE, value: encodeURIComponent(`${name}|${role}`), url: this.url, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    await page.goto(this.url);
    return page;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connect(ws: WebSocket, cookies: string | undefined): void {
    const value = cookies
      ?.split(';')
      .map((c) => c.trim().split('='))
      .find(([k]) => k === COOKIE)?.[1];
    const [name, roleText] = decodeURIComponent(value ?? '').split('|');
    const role = RoleSchema.safeParse(roleText);
    if (!name || !role.success) {
      ws.close(4401, 'sign in first: open the sign-in link an admin gave you');
      return;
    }
    const window = this.nextWindow++;
    const upstream = new WebSocket(`ws://127.0.0.1:${this.hostPort}/bridge`, { origin: `http://127.0.0.1:${this.hostPort}` });
    this.sockets.add(ws);
    this.sockets.add(upstream);
    const snapshotReads = new Set<number>();
    const asked = new Map<number, { channel: string; request: Record<string, unknown> }>();
    const send = (frame: Frame) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
    const sendUp = (frame: Frame) => upstream.readyState === upstream.OPEN && upstream.send(JSON.stringify(frame));
    // The single-desk core stamps its shift owner: kept the same as the owner here.
    const stampOwner = () => {
      if (this.owner) sendUp({ type: 'invoke', id: this.nextInternalId--, channel: 'operator:set-shift-owner', request: { name: this.owner.name } });
    };
    upstream.on('open', () => upstream.send(JSON.stringify({ type: 'auth', token: this.h.host.token })));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame & { id: number; channel: string; request: Record<string, unknown> };
      if (frame.type === 'auth') {
        this.authFrames += 1;
        return;
      }
      if (frame.channel.startsWith('team:') || frame.channel === 'operator:set-shift-owner') {
        this.requests.push(`${name} ${frame.channel}`);
        try {
          const result = this.answer(window, name, role.data, frame.channel, frame.request);
          if (frame.channel === 'team:take-shift' || frame.channel === 'team:accept-handover') stampOwner();
          send({ type: 'result', id: frame.id, ok: true, result });
        } catch (e) {
          send({ type: 'result', id: frame.id, ok: false, error: (e as Error).message });
        }
        return;
      }
      if (frame.channel === 'console:snapshot') snapshotReads.add(frame.id);
      asked.set(frame.id, { channel: frame.channel, request: frame.request });
      sendUp(frame);
    });
    upstream.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === 'result' && frame.id !== undefined) {
        if (frame.id < 0) return;
        const ask = asked.get(frame.id);
        asked.delete(frame.id);
        if (ask && frame.ok) this.moved(ask.channel, ask.request);
        if (snapshotReads.delete(frame.id) && frame.ok) this.decorate(frame.result as ConsoleSnapshot);
      }
      if (frame.type === 'ready') this.windows.set(window, { name, role: role.data, screens: [], since: Date.now() });
      if (frame.type === 'push' && frame.push?.kind === 'snapshot' && frame.push.snapshot) this.decorate(frame.push.snapshot);
      send(frame);
    });
    ws.on('close', () => {
      this.windows.delete(window);
      upstream.close();
    });
    upstream.on('close', () => ws.close(1012, 'console restarting'));
  }

  private decorate(snapshot: ConsoleSnapshot): void {
    snapshot.operator = this.owner;
    snapshot.team = { present: this.present(), handover: this.offer, health: null };
    if (this.revisions) snapshot.revisions = structuredClone(this.revisions);
  }

  /** What the core does with the counters, roughly: a write moves the audit log, a sampling write its counters. */
  private moved(channel: string, request: Record<string, unknown>): void {
    const r = this.revisions;
    if (!r || CHANNEL_ACCESS[channel as BridgeChannel] === 'read') return;
    r.audit += 1;
    if (channel === 'sampling:start' || channel === 'sampling:redraw') r.sampling += 1;
    if (channel === 'sampling:annotate') {
      const id = String(request.sessionId);
      r.sampling += 1;
      r.samplingSessions[id] = (r.samplingSessions[id] ?? 0) + 1;
    }
    if (channel === 'routing:set-token') r.routingToken += 1;
  }

  private present(): PresentOperator[] {
    const byName = new Map<string, PresentOperator>();
    for (const w of this.windows.values()) {
      const p = byName.get(w.name);
      if (p) p.screens.push(...w.screens);
      else byName.set(w.name, { name: w.name, role: w.role, screens: [...w.screens], since: w.since });
    }
    return [...byName.values()];
  }

  /** What the server's team feature answers, kept to what the page relies on. */
  private answer(window: number, name: string, role: Role, channel: string, request: Record<string, unknown>): unknown {
    const since = () => new Date().toISOString();
    switch (channel) {
      case 'team:me': {
        const me: Me = {
          mode: 'team',
          name,
          role,
          sessionEndsAt: Date.now() + 12 * 3600_000,
          may: Object.fromEntries(ACCESS_LEVELS.map((l) => [l, roleMay(role, l)])) as Record<(typeof ACCESS_LEVELS)[number], boolean>,
          actions: roleMay(role, 'operate') ? RoutingActionNameSchema.options : [],
        };
        return me;
      }
      case 'team:presence': {
        const w = this.windows.get(window);
        if (w) w.screens = [request.screen as Screen];
        return { ok: true };
      }
      case 'team:take-shift':
        if (!roleMay(role, 'operate')) throw new Error(`Refused: a ${role} may not act on the launch (team:take-shift). Ask an admin if you need it.`);
        if (this.owner && this.owner.name !== name && role !== 'admin') throw new Error(`${this.owner.name} owns the shift: they offer it to you, or an admin takes it over`);
        this.owner = { name, since: since(), setBy: name, ...(typeof request.note === 'string' ? { handoverNote: request.note } : {}) };
        this.offer = null;
        return this.owner;
      case 'team:offer-handover':
        if (this.owner?.name !== name) throw new Error('only the shift owner offers the shift');
        this.offer = { from: name, to: typeof request.to === 'string' ? request.to : null, note: String(request.note), offeredAt: Date.now() };
        return this.offer;
      case 'team:accept-handover': {
        const offer = this.offer;
        if (!offer) throw new Error('no handover is offered: the shift owner offers it first');
        if (offer.to !== null && offer.to !== name) throw new Error(`the shift is offered to ${offer.to}, not to you`);
        this.owner = { name, since: since(), setBy: name, handoverNote: offer.note };
        this.offer = null;
        return this.owner;
      }
      case 'team:cancel-handover':
        this.offer = null;
        return { ok: true };
      case 'operator:set-shift-owner':
        throw new Error('Refused: in team mode the shift passes by handover');
      default:
        throw new Error(`the stand-in does not answer ${channel}`);
    }
  }
}
