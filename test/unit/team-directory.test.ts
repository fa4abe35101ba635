import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import type { RecordLog } from '../../electron/core/storage/ports.js';
import { TeamDirectory } from '../../electron/core/team/team-directory.js';

const MIN = 60_000;
const TIMES = { sessionIdleMin: 30, sessionMaxHours: 12, signInLinkMin: 60 };

let dir: string;
let log: RecordLog;
let now: number;
const clock = () => now;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'team-directory-'));
  log = fileStorage(dir).records('team-directory');
  now = Date.parse('2026-03-02T08:00:00Z');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function signedIn(d: TeamDirectory, name: string, role: 'operator' | 'viewer' = 'operator') {
  await d.setOperator(name, role, 'admin');
  const { code } = await d.issueLink(name, 'admin');
  return d.signIn(code);
}

describe('team directory', () => {
  it('a link signs in once, before it expires, and only for an operator the team has', async () => {
    const d = await TeamDirectory.open(log, TIMES, clock);
    await expect(d.issueLink('Nobody', 'admin')).rejects.toThrow(/not an operator of this team/);
    await d.setOperator('Ana', 'operator', 'admin');
    const { code } = await d.issueLink('Ana', 'admin');
    const s = await d.signIn(code);
    expect(s).toMatchObject({ name: 'Ana', role: 'operator', endsAt: now + 12 * 60 * MIN });
    await expect(d.signIn(code)).rejects.toThrow(/used already/);
    const late = await d.issueLink('Ana', 'admin');
    now += 61 * MIN;
    await expect(d.signIn(late.code)).rejects.toThrow(/expired/);
    await expect(d.signIn('made-up')).rejects.toThrow(/not known here/);
  });

  it('a session ends after the idle time without use, and after the shift length whatever its use', async () => {
    const d = await TeamDirectory.open(log, TIMES, clock);
    const s = await signedIn(d, 'Ana');
    now += 29 * MIN;
    expect(d.authenticate(s.sessionId).ok).toBe(true);
    d.touch(s.sessionId);
    now += 29 * MIN;
    expect(d.authenticate(s.sessionId).ok).toBe(true);
    now += 2 * MIN;
    expect(d.authenticate(s.sessionId)).toEqual({ ok: false, why: expect.stringContaining('30 min without use') });

    const busy = await signedIn(d, 'Ben');
    for (let h = 0; h < 12 * 4; h++) {
      now += 15 * MIN;
      d.touch(busy.sessionId);
    }
    expect(d.authenticate(busy.sessionId)).toEqual({ ok: false, why: expect.stringContaining('after 12 h') });
  });

  it('a revocation ends every session and unused link of the operator, not later ones', async () => {
    const d = await TeamDirectory.open(log, TIMES, clock);
    const s = await signedIn(d, 'Ana');
    const unused = await d.issueLink('Ana', 'admin');
    now += MIN;
    await d.revoke('Ana', 'admin');
    expect(d.authenticate(s.sessionId)).toEqual({ ok: false, why: expect.stringContaining('revoked') });
    await expect(d.signIn(unused.code)).rejects.toThrow(/revoked/);
    now += MIN;
    const fresh = await d.issueLink('Ana', 'admin');
    const back = await d.signIn(fresh.code);
    expect(d.authenticate(back.sessionId).ok).toBe(true);
  });

  it('signing out ends that session only', async () => {
    const d = await TeamDirectory.open(log, TIMES, clock);
    const desk = await signedIn(d, 'Ana');
    const { code } = await d.issueLink('Ana', 'admin');
    const laptop = await d.signIn(code);
    await d.signOut(desk.sessionId);
    expect(d.authenticate(desk.sessionId).ok).toBe(false);
    expect(d.authenticate(laptop.sessionId).ok).toBe(true);
  });

  it('a role changed by the admin applies to open sessions at once', async () => {
    const d = await TeamDirectory.open(log, TIMES, clock);
    const s = await signedIn(d, 'Ana');
    await d.setOperator('Ana', 'viewer', 'admin');
    expect(d.authenticate(s.sessionId)).toMatchObject({ ok: true, role: 'viewer' });
  });

  it('what another process wrote is known after a refresh, and nothing is kept in the clear', async () => {
    const server = await TeamDirectory.open(log, TIMES, clock);
    const admin = await TeamDirectory.open(fileStorage(dir).records('team-directory'), TIMES, clock);
    await admin.setOperator('Ana', 'operator', 'admin');
    const { code } = await admin.issueLink('Ana', 'admin');
    expect(server.roleOf('Ana')).toBeNull();
    const s = await server.signIn(code);
    expect(s.name).toBe('Ana');
    const stored: string[] = [];
    await log.scan((r) => stored.push(JSON.stringify(r)));
    expect(stored.join('\n')).not.toContain(code);
    expect(stored.join('\n')).not.toContain(s.sessionId);
  });

  it('a damaged record is counted and passed over', async () => {
    await log.append({ kind: 'operator', name: 'Ana', role: 'overlord', at: now, by: 'x' });
    await log.append({ kind: 'operator', name: 'Ben', role: 'viewer', at: now, by: 'x' });
    const d = await TeamDirectory.open(log, TIMES, clock);
    expect(d.damaged).toBe(1);
    expect(d.roleOf('Ana')).toBeNull();
    expect(d.roleOf('Ben')).toBe('viewer');
  });
});
