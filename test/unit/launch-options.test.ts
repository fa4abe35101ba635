import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchFolderName, resolveLaunchOptions } from '../../electron/core/launch-options.js';

describe('host options', () => {
  it('defaults to the embedded simulator', () => {
    const o = resolveLaunchOptions([], {});
    expect(o.config.stream.url).toBe('http://127.0.0.1:4100');
    expect(o.port).toBe(4310);
  });

  it('takes flags over environment over the configuration file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-opts-'));
    const file = join(dir, 'launch.json');
    writeFileSync(file, JSON.stringify({ stream: { url: 'http://127.0.0.1:5000' }, webHost: { port: 5001 } }));
    const env = { LAUNCH_CONFIG: file, LAUNCH_CONSOLE_PORT: '5002', LAUNCH_ROUTING_TOKEN: 'secret' };
    const fromEnv = resolveLaunchOptions([], env);
    expect(fromEnv.config.stream.url).toBe('http://127.0.0.1:5000');
    expect(fromEnv.port).toBe(5002);
    expect(fromEnv.routingToken).toBe('secret');
    const fromFlags = resolveLaunchOptions(['--port', '5003', '--stream=http://127.0.0.1:6000'], env);
    expect(fromFlags.port).toBe(5003);
    expect(fromFlags.config.stream.url).toBe('http://127.0.0.1:6000');
  });

  it('names what was wrong', () => {
    expect(() => resolveLaunchOptions(['--prot', '1'], {})).toThrow(/unknown option --prot \(did you mean "--port"\?\); known: --config/);
    expect(() => resolveLaunchOptions(['--port'], {})).toThrow(/--port needs a value/);
    expect(() => resolveLaunchOptions(['--port', '--stream', 'http://x'], {})).toThrow(/--port needs a value/);
    expect(() => resolveLaunchOptions(['--port='], {})).toThrow(/--port needs a value/);
    expect(() => resolveLaunchOptions(['launch.json'], {})).toThrow(/Unexpected argument 'launch.json'/);
    expect(() => resolveLaunchOptions(['--port', 'x'], {})).toThrow(/port must be an integer/);
    expect(() => resolveLaunchOptions(['--stream', 'nope'], {})).toThrow(/stream or routing URL/);
    expect(() => resolveLaunchOptions(['--config', '/no/such/file.json'], {})).toThrow(/cannot read launch configuration/);
  });
});

describe('command-line values', () => {
  it('keeps everything after the first = of --flag=value', () => {
    expect(resolveLaunchOptions(['--data-dir=/a=b'], {}, '/').dataDir).toBe('/a=b');
    expect(resolveLaunchOptions(['--data-dir', '/x=y=z'], {}, '/').dataDir).toBe('/x=y=z');
    expect(resolveLaunchOptions(['--routing=http://127.0.0.1:9/v1?x=1'], {}).config.routing.baseUrl).toBe('http://127.0.0.1:9/v1?x=1');
  });
});

describe('per-launch data folder', () => {
  it('is named after the launch, so a rehearsal and the real launch keep separate records', () => {
    expect(launchFolderName('Voice agent v2 launch (simulator)')).toBe('voice-agent-v2-launch-simulator');
    expect(launchFolderName('Voice agent v2 — go-live')).toBe('voice-agent-v2-go-live');
    expect(launchFolderName('../../etc')).toBe('etc');
    expect(launchFolderName('!!!')).toBe('launch');
  });
});
