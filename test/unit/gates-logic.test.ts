import { describe, expect, it } from 'vitest';
import { LaunchConfigSchema } from '../../shared/config.js';
import type { GateMode } from '../../shared/gates.js';
import { consoleFacts, type GateInputs } from '../../electron/core/gates/console-facts.js';
import { emptyRecord, evaluateGate, gateDefinitions, goBlockers, type ConsoleFilled, type GateRecord } from '../../electron/core/gates/gate-logic.js';
import { GATE_IDS } from '../../shared/gate-defaults.js';

const config = LaunchConfigSchema.parse({});
const defs = gateDefinitions(config);
const ALL: GateMode = { mode: 'all', reason: null, by: null, at: null };
const none = (): ConsoleFilled => ({ facts: [], proves: new Map() });
const link = { kind: 'link' as const, url: 'https://wiki.example/run-42', addedBy: 'Ana', addedAt: 1 };

function record(patch: Partial<GateRecord>): GateRecord {
  return { ...emptyRecord(), ...patch };
}
const passedBy = (by: string) => ({ result: 'pass' as const, by, at: 1, note: '' });
const allTicked = (n: number) => new Map(Array.from({ length: n }, (_, i) => [i, 'Ana'] as const));

describe('a gate row', () => {
  it('is not passed without an owner or without evidence, whatever its owner recorded', () => {
    const noOwner = evaluateGate('functional', defs.functional, record({ evidence: [link], result: passedBy('Ana') }), none(), ALL);
    expect(noOwner.status).toBe('not-passed');
    expect(noOwner.reasons[0]).toMatch(/No owner/);
    const noEvidence = evaluateGate('functional', defs.functional, record({ owner: 'Ana', result: passedBy('Ana') }), none(), ALL);
    expect(noEvidence.status).toBe('not-passed');
    expect(noEvidence.reasons.join()).toMatch(/No evidence/);
    const passed = evaluateGate('functional', defs.functional, record({ owner: 'Ana', evidence: [link], result: passedBy('Ana') }), none(), ALL);
    expect(passed).toMatchObject({ status: 'pass', blocksGo: false });
  });

  it('counts a gap in security, monitoring or rollback as blocking, but not in functional', () => {
    const partly = new Map([[0, 'Ana']]);
    const sec = evaluateGate('security', defs.security, record({ owner: 'Ana', evidence: [link], result: passedBy('Ana'), ticked: partly }), none(), ALL);
    expect(sec).toMatchObject({ status: 'not-passed', blocksGo: true });
    expect(sec.reasons.join()).toMatch(/Gaps: PII handling verified/);
    const fun = evaluateGate('functional', defs.functional, record({ owner: 'Ana', evidence: [link], result: passedBy('Ana'), ticked: partly }), none(), ALL);
    expect(fun.status).toBe('pass');
    const full = evaluateGate('security', defs.security, record({ owner: 'Ana', evidence: [link], result: passedBy('Ana'), ticked: allTicked(5) }), none(), ALL);
    expect(full.status).toBe('pass');
  });

  it('fails on a console figure off target even when its owner passed it, and a risk acceptance unblocks it', () => {
    const filled: ConsoleFilled = { facts: [{ label: 'P95 turn latency', value: '1.43 s (target ≤ 1.2 s)', source: 'metrics', ok: false }], proves: new Map() };
    const rec = record({ owner: 'Ana', evidence: [link], result: passedBy('Ana') });
    const row = evaluateGate('performance', defs.performance, rec, filled, ALL);
    expect(row).toMatchObject({ status: 'fail', blocksGo: true });
    expect(row.reasons.join()).toMatch(/P95 turn latency: 1.43 s/);
    const accepted = evaluateGate('performance', defs.performance, { ...rec, risk: { by: 'Lee', why: 'peak is after launch week', at: 5 } }, filled, ALL);
    expect(accepted).toMatchObject({ status: 'risk-accepted', blocksGo: false });
    expect(accepted.reasons[0]).toBe('Risk accepted by Lee: peak is after launch week');
  });

  it('in the three-minimum mode, leaves performance, scale and security out and still judges the other three', () => {
    const minimum: GateMode = { mode: 'minimum', reason: 'internal tool, 40 callers a day', by: 'Lee', at: 1 };
    const rows = GATE_IDS.map((id) => evaluateGate(id, defs[id], emptyRecord(), none(), minimum));
    expect(rows.filter((r) => r.status === 'not-required').map((r) => r.id)).toEqual(['performance', 'scale', 'security']);
    expect(goBlockers(rows)).toHaveLength(3);
    expect(goBlockers(rows)[0]).toMatch(/^Functional: Not passed \(No owner/);
  });
});

describe('what the console fills in', () => {
  const inputs: GateInputs = {
    stream: { phase: 'live', url: 'http://127.0.0.1:4100' },
    rules: [{ name: 'P95 latency', severity: 'critical', action: 'pause_ramp' }, { name: 'Agent errors', severity: 'critical', action: 'rollback' }],
    shiftOwner: 'Dana',
    reviewsScheduled: 5,
    runbookSteps: 2,
    lastRehearsal: null,
    fallbackTested: null,
    performance: { label: 'the last 60 min', turnLatencyP95: 950, taskCompletion: 0.9, connected: 400, agentErrorRate: 0.001, calls: 1000 },
  };

  it('proves the monitoring items it can see, each with its source', () => {
    const facts = consoleFacts(inputs, config.gates.thresholds);
    expect([...facts.monitoring.proves.keys()]).toEqual([0, 1, 2, 3]);
    expect(facts.monitoring.facts.find((f) => f.label === 'Shift owner')).toMatchObject({ value: 'Dana', source: 'shift owner (top bar)', ok: true });
    const row = evaluateGate('monitoring', defs.monitoring, record({ owner: 'Sam', result: passedBy('Sam'), ticked: new Map([[4, 'Sam']]) }), facts.monitoring, { mode: 'all', reason: null, by: null, at: null });
    expect(row.status).toBe('pass');
  });

  it('judges task completion by its lower bound, and fills the rollback row from the last rehearsal', () => {
    const facts = consoleFacts(inputs, config.gates.thresholds);
    const tc = facts.performance.facts.find((f) => f.label === 'Task completion')!;
    // 90% of 400: the 95% lower bound is 87.3%, which clears 85%.
    expect(tc.value).toMatch(/^90% \(95% lower bound 87\.3%/);
    expect(tc.ok).toBe(true);
    const few = consoleFacts({ ...inputs, performance: { ...inputs.performance!, taskCompletion: 0.9, connected: 40 } }, config.gates.thresholds);
    expect(few.performance.facts.find((f) => f.label === 'Task completion')!.ok).toBeNull();
    expect(facts.rollback.facts.find((f) => f.label === 'Last rehearsal')).toMatchObject({ value: 'none yet', ok: null });
    const rehearsal = {
      id: 'r1', by: 'Dana', action: 'route_fallback' as const, provider: 'p', live: false, startedAt: Date.UTC(2026, 3, 1, 9), steps: [],
      finishedAt: 1, totalMs: 372_000, passed: true, verdict: 'Passed', manualSteps: [],
    };
    const after = consoleFacts({ ...inputs, lastRehearsal: rehearsal, fallbackTested: rehearsal }, config.gates.thresholds);
    expect(after.rollback.facts.find((f) => f.label === 'Last rehearsal')!.value).toBe('passed in 6 min 12 s (route_fallback) by Dana, 2026-04-01 09:00 UTC');
    expect([...after.rollback.proves.keys()].sort()).toEqual([0, 1, 2]);
  });
});
