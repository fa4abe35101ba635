import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestName } from '../../shared/did-you-mean.js';

describe('nearest known name', () => {
  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('baseURL', 'baseUrl')).toBe(2);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests a near name regardless of case, or a cut-short one, and nothing for an unrelated word', () => {
    expect(nearestName('baseURL', ['baseUrl', 'tokenEnv', 'timeoutMs', 'retries'])).toBe('baseUrl');
    expect(nearestName('runBook', ['launchName', 'runbook', 'rules'])).toBe('runbook');
    expect(nearestName('minHold', ['share', 'minHoldMin'])).toBe('minHoldMin');
    expect(nearestName('colour', ['launchName', 'stream', 'routing'])).toBeNull();
    expect(nearestName('x', [])).toBeNull();
    expect(didYouMean('--prot', ['--port', '--config'])).toBe(' (did you mean "--port"?)');
    expect(didYouMean('zzz', ['--port'])).toBe('');
  });
});
