import { describe, expect, it } from 'vitest';
import { CliError, parseSimArgs } from '../../sim/cli-args.js';
import { resolveSimOptions, type SimOptions } from '../../sim/options.js';

function optionsFrom(argv: string[]): SimOptions {
  const parsed = parseSimArgs(argv);
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
}

describe('simulator command line', () => {
  it('reads every flag, in both spellings', () => {
    const opts = optionsFrom([
      '--port', '4200', '--host=127.0.0.1', '--seed', '7', '--rate', '5', '--speed', '60',
      '--scenario', 'latency-spike,pii-leak', '--token', 'T', '--stream-token', 'S', '--share=25', '--intents', 'a,b',
    ]);
    expect(opts).toEqual({
      port: 4200, host: '127.0.0.1', seed: 7, rate: 5, speed: 60, scenarios: ['latency-spike', 'pii-leak'],
      token: 'T', streamToken: 'S', agentShare: 25, intents: ['a', 'b'],
    });
    expect(resolveSimOptions(opts).scenarios).toEqual(['latency-spike', 'pii-leak']);
  });

  it('keeps everything after the first = of --flag=value', () => {
    expect(optionsFrom(['--token=a=b==']).token).toBe('a=b==');
  });

  it('defaults to port 4100, where the console looks', () => {
    expect(parseSimArgs([])).toEqual({ port: 4100 });
    expect(parseSimArgs(['--help'])).toBe('help');
  });

  it('names the flag that is wrong', () => {
    expect(() => parseSimArgs(['--rate', 'fast'])).toThrowError(/^--rate: expected a number, got 'fast'/);
    expect(() => parseSimArgs(['--port', '41.5'])).toThrowError(/^--port: expected a whole number/);
    expect(() => parseSimArgs(['--speed'])).toThrowError(/^--speed: needs a value/);
    expect(() => parseSimArgs(['--seed', '--rate', '1'])).toThrowError(/^--seed: needs a value/);
    expect(() => parseSimArgs(['--colour', 'red'])).toThrowError(CliError);
    expect(() => parseSimArgs(['--colour', 'red'])).toThrowError(/unknown flag '--colour'/);
    expect(() => parseSimArgs(['--sede', '7'])).toThrowError(/unknown flag '--sede' \(did you mean "--seed"\?\)/);
    expect(() => parseSimArgs(['--rate='])).toThrowError(/^--rate: needs a value/);
    expect(() => parseSimArgs(['7'])).toThrowError(/Unexpected argument '7'/);
  });

  it('leaves range checks to the options, which name the field', () => {
    expect(() => resolveSimOptions(optionsFrom(['--share', '140']))).toThrowError(/agentShare: Too big/);
    expect(() => resolveSimOptions(optionsFrom(['--scenario', 'meteor']))).toThrowError(/scenarios: unknown scenario 'meteor'/);
    expect(() => resolveSimOptions(optionsFrom(['--host', '0.0.0.0']))).toThrowError(/host:/);
  });
});
