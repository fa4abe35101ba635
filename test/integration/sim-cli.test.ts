import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const MAIN = new URL('../../sim/main.ts', import.meta.url).pathname;

function run(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function finish(child: ReturnType<typeof run>): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

describe('npm run sim', () => {
  it('exits 2 naming the bad flag', async () => {
    const { code, stderr } = await finish(run(['--rate', 'fast']));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--rate: expected a number, got 'fast'/);
    const unknown = await finish(run(['--scenario', 'meteor']));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/scenarios: unknown scenario 'meteor'/);
  });

  it('prints where it listens and the routing token, which then works', async () => {
    const child = run(['--port', '0', '--seed', '7', '--rate', '5', '--speed', '60', '--scenario', 'latency-spike']);
    try {
      const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
      const m = /^Simulator at (http:\/\/127\.0\.0\.1:\d+) \(routing token: (\S+)\)$/.exec(line);
      expect(m, line).not.toBeNull();
      const [, url, token] = m!;
      const res = await fetch(`${url}/sim/stats`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ faults: ['latency-spike'] });
    } finally {
      child.kill('SIGTERM');
    }
    expect((await finish(child)).code).toBe(0);
  });
});
