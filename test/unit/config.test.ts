import { describe, expect, it } from 'vitest';
import { ConfigError, parseLaunchConfig } from '../../shared/config.js';

describe('launch configuration', () => {
  it('fills defaults from an empty object', () => {
    const c = parseLaunchConfig('{}');
    expect(c.stream.url).toBe('http://127.0.0.1:4100');
    expect(c.intents).toHaveLength(5);
    expect(c.rollout.stages.map((s) => s.share)).toEqual([5, 25, 50, 100]);
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

