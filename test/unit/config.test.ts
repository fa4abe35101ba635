import { describe, expect, it } from 'vitest';
import { ConfigError, parseLaunchConfig } from '../../shared/config.js';

describe('launch configuration', () => {
  it('fills defaults from an empty object', () => {
    const c = parseLaunchConfig('{}');
    expect(c.stream.url).toBe('http://127.0.0.1:4100');
    expect(c.intents).toHaveLength(5);
    expect(c.rollout.stages.map((s) => s.share)).toEqual([0, 5, 25, 50, 100]);
    expect(c.rollout.stages.map((s) => s.minHoldMin / 60 / 24)).toEqual([1, 1, 3, 7, 0]);
    expect(c.rehearsal).toEqual({ passUnderMin: 15 });
    expect(c.gates.thresholds.turnLatencyP95Ms).toBe(1200);
  });
  it('refuses a ladder whose shares do not climb, and a rehearsal provider with a misspelt key', () => {
    expect(() => parseLaunchConfig(JSON.stringify({ rollout: { stages: [{ share: 25, minHoldMin: 1 }, { share: 5, minHoldMin: 1 }] } }), 'l.json')).toThrowError(
      /rollout\.stages\.1\.share: must be above the share of the stage before \(25%\)/,
    );
    expect(() => parseLaunchConfig(JSON.stringify({ rehearsal: { routing: { baseURL: 'http://x' } } }), 'l.json')).toThrowError(
      /rehearsal\.routing\.baseURL: unknown key \(did you mean "baseUrl"\?\)/,
    );
    expect(() => parseLaunchConfig(JSON.stringify({ rollout: { stages: [{ share: 5, minHoldMin: 1, criteria: [{ kind: 'kpi-floor', kpi: 'taskCompletion', targt: 0.9 }] }] } }), 'l.json')).toThrowError(
      /targt/,
    );
  });
  it('names the file and the bad field', () => {
    expect(() => parseLaunchConfig('{"routing":{"timeoutMs":-1}}', 'launch.json')).toThrowError(
      /launch\.json is invalid: routing\.timeoutMs/,
    );
  });
  it('rejects text that is not JSON with a ConfigError', () => {
    expect(() => parseLaunchConfig('{', 'launch.json')).toThrowError(ConfigError);
  });
  it('refuses a misspelt key, naming it and the nearest known one, at any depth', () => {
    const bad = (config: unknown) => () => parseLaunchConfig(JSON.stringify(config), 'launch.json');
    expect(bad({ routing: { baseURL: 'http://10.0.0.5' } })).toThrowError(
      'launch.json is invalid: routing.baseURL: unknown key (did you mean "baseUrl"?)',
    );
    expect(bad({ runBook: ['Call the carrier'] })).toThrowError('runBook: unknown key (did you mean "runbook"?)');
    expect(bad({ baselines: { turnLatencyP59: 900 } })).toThrowError('baselines.turnLatencyP59: unknown key (did you mean "turnLatencyP50"?)');
    expect(
      bad({ rules: [{ id: 'r', name: 'R', kpi: 'callRate', comparison: 'above', threshold: 1, severity: 'info', pendingMins: 2 }] }),
    ).toThrowError('rules.0.pendingMins: unknown key (did you mean "pendingMin"?)');
    expect(bad({ rollout: { stages: [{ share: 5, minHold: 60 }] } })).toThrowError(/rollout\.stages\.0\.minHold: unknown key \(did you mean "minHoldMin"\?\)/);
    expect(bad({ colour: 'blue' })).toThrowError(/^launch\.json is invalid: colour: unknown key$/);
  });
});

