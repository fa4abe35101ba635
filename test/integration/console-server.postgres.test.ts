import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AuditEntry } from '../../shared/audit.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { checkBinding } from '../../electron/server/bind-rules.js';
import { TeamConfigSchema } from '../../shared/team.js';
import { freshDatabase } from '../support/postgres-database.js';
import { http, startTeamServer, type TeamWindow, type TeamFixture } from '../support/team-server.js';

/**
 * One console server on PostgreSQL, operators signed in through their links, each window a real
 * WebSocket: who may do what, who did what, and everyone seeing it.
 */

let sim: SimHandle;
let t: TeamFixture;
const clients: TeamWindow[] = [];
const cookies: Record<string, string> = {};

async function window(name: string): Promise<TeamWindow> {
  const c = await t.connect(cookies[name]!);
  clients.push(c);
  return c;
}

async function auditEntries(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  await t.server.audit.scanStored((e) => out.push(e));
  return out;
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, rate: 5, agentShare: 100 });
  t = await startTeamServer({
    databaseUrl: await freshDatabase(import.meta.filename),
    config: { stream: { url: sim.url }, routing: { baseUrl: sim.url }, intents: ['billing', 'orders', 'talk_to_human'] },
    team: { actions: { rollback: ['admin'] } },
    server: { streamToken: sim.token, routingToken: sim.token },
  });
  for (const [name, role] of [
    ['Ada', 'admin'],
    ['Olu', 'operator'],
    ['Oona', 'operator'],
    ['Rae', 'reviewer'],
    ['Vic', 'viewer'],
  ] as const) {
    cookies[name] = await t.signIn(await t.addOperator(name, role));
  }
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await t?.close();
  await sim?.close();
});

describe('signing in', () => {
  it('sets an http-only, same-site session cookie and spends the link once', async () => {
    const link = await t.addOperator('Sam', 'viewer');
    const url = new URL(link);
    const page = await http(t.server.port, 'GET', url.pathname + url.search);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<form method="post" action="/signin">');
    const form = new URLSearchParams({ code: url.searchParams.get('code') ?? '' }).toString();
    const headers = { Origin: t.origin, 'Content-Type': 'application/x-www-form-urlencoded' };
    const first = await http(t.server.port, 'POST', '/signin', headers, form);
    expect(first.status).toBe(303);
    const cookie = first.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const again = await http(t.server.port, 'POST', '/signin', headers, form);
    expect(again.status).toBe(403);
    expect(again.body).toContain('used already');
  });

  it('refuses a sign-in posted from another site, and audits it', async () => {
    const link = await t.addOperator('Sid', 'viewer');
    const code = new URL(link).searchParams.get('code') ?? '';
    const r = await http(t.server.port, 'POST', '/signin', { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ code }).toString());
    expect(r.status).toBe(403);
    expect(r.headers['set-cookie']).toBeUndefined();
    await expect.poll(async () => (await auditEntries()).some((e) => e.type === 'access' && e.summary.includes('another site'))).toBe(true);
    // The link was not spent by the refused attempt.
    expect(await t.signIn(link)).toMatch(/^launch-console-session=/);
  });

  it('the admin command says who each operator is', async () => {
    const r = await t.team(['list']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Ada\tadmin/);
    expect(r.out).toMatch(/Rae\treviewer/);
    const bad = await t.team(['add', 'Zed', '--role', 'boss']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"boss" is not a role');
  });
});

describe('refusals', () => {
  it('a window without a session is closed with the reason, and the refusal audited', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.server.port}/bridge`, { headers: { Origin: t.origin } });
    const closed = await new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
    expect(closed.code).toBe(4401);
    expect(closed.reason).toContain('sign in first');
    await expect.poll(async () => (await auditEntries()).some((e) => e.type === 'access' && e.summary.includes('sign in first'))).toBe(true);
  });

  it('a forged session is refused like none', async () => {
    const c = await t.connect('launch-console-session=forged-value');
    expect((await c.waitClosed()).code).toBe(4401);
  });

  it('a window from another site is refused at the handshake', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${t.server.port}/bridge`, { headers: { Origin: 'https://evil.example', Cookie: cookies.Ada! } });
    const status = await new Promise<number>((r) => ws.once('unexpected-response', (_req, res) => r(res.statusCode ?? 0)));
    expect(status).toBe(403);
  });

  it('a viewer cannot act nor annotate; a reviewer cannot trigger an emergency action; each refusal audited with the name', async () => {
    const vic = await window('Vic');
    const rae = await window('Rae');
    await expect(vic.invoke('routing:prepare', { action: 'stop_all' })).rejects.toThrow(/Refused: a viewer may not act on the launch/);
    await expect(vic.invoke('known-issue:upsert', { title: 'x' })).rejects.toThrow(/Refused: a viewer may not review/);
    await expect(rae.invoke('routing:prepare', { action: 'pause_ramp' })).rejects.toThrow(/Refused: a reviewer may not act/);
    const refused = (await auditEntries()).filter((e) => e.type === 'access');
    expect(refused.some((e) => e.operator === 'Vic' && e.summary.includes('routing:prepare'))).toBe(true);
    expect(refused.some((e) => e.operator === 'Rae' && e.summary.includes('routing:prepare'))).toBe(true);
    // Reading is every role's right.
    expect((await vic.invoke('console:snapshot', {})).launchName).toBeTruthy();
  });

  it('who may roll back is the launch configuration\'s answer: here admins only', async () => {
    const olu = await window('Olu');
    await expect(olu.invoke('routing:prepare', { action: 'rollback' })).rejects.toThrow(/lets admin trigger rollback, not an operator/);
    const ada = await window('Ada');
    const prepared = await ada.invoke('routing:prepare', { action: 'rollback' });
    expect(prepared.intent.id).toBeTruthy();
    // An operator cannot execute an admin's prepared rollback by its id either.
    await expect(olu.invoke('routing:execute', { intentId: prepared.intent.id })).rejects.toThrow(/Refused/);
  });

  it('a revoked operator\'s open window is closed and their session refused afterwards', async () => {
    const link = await t.addOperator('Rex', 'operator');
    const cookie = await t.signIn(link);
    const rex = await t.connect(cookie);
    expect(rex.closed).toBeNull();
    expect((await t.team(['revoke', 'Rex'])).code).toBe(0);
    const closed = await rex.waitClosed(6000);
    expect(closed.code).toBe(4401);
    expect(closed.reason).toContain('revoked');
    const again = await t.connect(cookie);
    expect((await again.waitClosed()).reason).toContain('revoked');
    // A new link lets them back in.
    const back = await t.connect(await t.signIn((await t.team(['link', 'Rex'])).out.match(/https?:\/\/\S+/)![0]));
    expect(back.closed).toBeNull();
    back.close();
  });

  it('a sign-out ends the session', async () => {
    const cookie = await t.signIn(await t.addOperator('Sol', 'viewer'));
    const out = await http(t.server.port, 'POST', '/signout', { Origin: t.origin, Cookie: cookie });
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']?.[0]).toMatch(/Max-Age=0/);
    const c = await t.connect(cookie);
    expect((await c.waitClosed()).reason).toContain('signed out');
  });
});

describe('working together', () => {
  it('each record carries the operator who did it, not the shift owner', async () => {
    const ada = await window('Ada');
    await ada.invoke('team:take-shift', { note: 'first shift' });
    const rae = await window('Rae');
    const issue = await rae.invoke('known-issue:upsert', { title: 'Agent repeats the greeting' });
    expect(issue).toBeTruthy();
    const entries = await auditEntries();
    const issueEntry = entries.filter((e) => e.type === 'known_issue').at(-1);
    expect(issueEntry?.operator).toBe('Rae');
    const me = await rae.invoke('team:me', {});
    expect(me).toMatchObject({ mode: 'team', name: 'Rae', role: 'reviewer' });
  });

  it('presence shows who is connected and on which screen', async () => {
    const vic = await window('Vic');
    await vic.invoke('team:presence', { screen: 'audit' });
    const snap = await vic.waitFor((s) => s.team?.present.some((p) => p.name === 'Vic' && p.screens.includes('audit')) ?? false);
    expect(snap.team?.present.find((p) => p.name === 'Vic')?.role).toBe('viewer');
  });

  it('a handover is offered by the owner and accepted by the one named, both audited', async () => {
    const ada = await window('Ada');
    const oona = await window('Oona');
    const olu = await window('Olu');
    await ada.invoke('team:take-shift', {});
    await expect(oona.invoke('team:offer-handover', { note: 'mine?' })).rejects.toThrow(/only the shift owner/);
    await ada.invoke('team:offer-handover', { to: 'Oona', note: 'billing alert acknowledged; watch latency' });
    await olu.waitFor((s) => s.team?.handover?.to === 'Oona');
    await expect(olu.invoke('team:accept-handover', {})).rejects.toThrow(/offered to Oona/);
    const owner = await oona.invoke('team:accept-handover', {});
    expect(owner.name).toBe('Oona');
    const seen = await olu.waitFor((s) => s.operator?.name === 'Oona' && s.team?.handover === null, 1000);
    expect(seen.operator?.handoverNote).toContain('watch latency');
    const shift = (await auditEntries()).filter((e) => e.type === 'shift');
    expect(shift.some((e) => e.operator === 'Ada' && e.summary.includes('offers the shift to Oona'))).toBe(true);
    expect(shift.at(-1)?.operator).toBe('Oona');
  });

  it('an action by one operator reaches every other window within a second', async () => {
    const olu = await window('Olu');
    const rae = await window('Rae');
    const vic = await window('Vic');
    const prepared = await olu.invoke('routing:prepare', { action: 'pause_ramp' });
    const started = Date.now();
    const outcome = await olu.invoke('routing:execute', { intentId: prepared.intent.id, reason: 'latency over target' });
    expect(outcome.request.operator).toBe('Olu');
    await Promise.all([rae, vic].map((c) => c.waitFor((s) => s.actions.lastOutcome?.request.operator === 'Olu' && s.actions.lastOutcome.request.action === 'pause_ramp', 1000)));
    expect(Date.now() - started).toBeLessThan(1000 + 250);
    const action = (await auditEntries()).filter((e) => e.type === 'action').at(-1);
    expect(action?.operator).toBe('Olu');
  });

  it('on one desk the shift is set by name; in team mode by handover only', async () => {
    const olu = await window('Olu');
    await expect(olu.invoke('operator:set-shift-owner', { name: 'Someone' })).rejects.toThrow(/passes by handover/);
  });
});

describe('where it listens', () => {
  it('refuses a non-loopback address without TLS, saying why', () => {
    expect(() => checkBinding(TeamConfigSchema.parse({ host: '0.0.0.0' }))).toThrow(/only over TLS/);
    expect(() => checkBinding(TeamConfigSchema.parse({ host: '10.0.0.5', behindTlsProxy: true }))).not.toThrow();
    expect(() => checkBinding(TeamConfigSchema.parse({ host: '10.0.0.5', tls: { certFile: 'c.pem', keyFile: 'k.pem' } }))).not.toThrow();
    expect(() => checkBinding(TeamConfigSchema.parse({ host: '::1' }))).not.toThrow();
  });
});
