import { describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../../shared/console-state.js';
import type { Me } from '../../shared/team.js';
import type { ConsoleState } from '../../renderer/state/store.js';
import {
  actionRefusal,
  channelRefusal,
  levelRefusal,
  selectAuditRevision,
  selectHandover,
  selectSessionRevision,
  selectTeamMe,
  selectTeamMode,
} from '../../renderer/state/team.js';
import { screensText } from '../../renderer/components/team/TeamHeader.js';

const team = (role: 'admin' | 'operator' | 'reviewer' | 'viewer', actions: Extract<Me, { mode: 'team' }>['actions']): Me => ({
  mode: 'team',
  name: 'Rae Kim',
  role,
  sessionEndsAt: 0,
  may: { read: true, review: role !== 'viewer', operate: role === 'operator' || role === 'admin', admin: role === 'admin' },
  actions,
});

const state = (me: Me | null, snapshot: Partial<ConsoleSnapshot> | null) => ({ me, snapshot }) as unknown as ConsoleState;

describe('team state: who may use which control, said before the click', () => {
  it('disables nothing on one desk, nor before the core said who this is', () => {
    expect(levelRefusal({ mode: 'single' }, 'admin')).toBeNull();
    expect(levelRefusal(null, 'admin')).toBeNull();
    expect(actionRefusal({ mode: 'single' }, 'stop_all')).toBeNull();
  });

  it('says why a role may not, in the words of the server’s refusals', () => {
    const reviewer = team('reviewer', []);
    expect(channelRefusal(reviewer, 'sampling:annotate')).toBeNull();
    expect(channelRefusal(reviewer, 'alerts:acknowledge')).toBe('Signed in as a reviewer, you may not act on the launch: this takes an operator or an admin.');
    expect(channelRefusal(team('operator', []), 'gates:decide')).toBe(
      'Signed in as an operator, you may not change what the launch is measured against: this takes an admin.',
    );
    expect(channelRefusal(team('viewer', []), 'review:check')).toBe('Signed in as a viewer, you may not review and annotate: this takes a reviewer, an operator or an admin.');
  });

  it('follows the launch configuration for routing actions, action by action', () => {
    const operator = team('operator', ['pause_ramp', 'route_fallback']);
    expect(actionRefusal(operator, 'pause_ramp')).toBeNull();
    expect(actionRefusal(operator, 'rollback')).toBe('Signed in as an operator, you may not trigger “Roll back”: the launch configuration gives it to other roles.');
  });

  it('is in team mode when the core says so or a snapshot carries a team view', () => {
    expect(selectTeamMode(state({ mode: 'single' }, { team: null }))).toBe(false);
    expect(selectTeamMode(state(null, { team: { present: [], handover: null, health: null } }))).toBe(true);
    expect(selectTeamMe(state({ mode: 'single' }, null))).toBeNull();
    expect(selectHandover(state(null, { team: null }))).toBeNull();
  });

  it('reads the revision counters, null before the first snapshot', () => {
    const revisions = { audit: 7, sampling: 3, samplingSessions: { s1: 2 }, routingToken: 0 };
    expect(selectAuditRevision(state(null, { revisions }))).toBe(7);
    expect(selectSessionRevision('s1')(state(null, { revisions }))).toBe(2);
    expect(selectSessionRevision('s2')(state(null, { revisions }))).toBeNull();
    expect(selectAuditRevision(state(null, null))).toBeNull();
  });

  it('names the screens each person has open', () => {
    expect(screensText([])).toBe('just connected');
    expect(screensText(['alerts'])).toBe('Alerts');
    expect(screensText(['dashboard', 'dashboard', 'audit', 'decision'])).toBe('Dashboard (2 windows), Audit log and Launch decision');
  });
});
