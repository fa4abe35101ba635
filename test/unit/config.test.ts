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
});
