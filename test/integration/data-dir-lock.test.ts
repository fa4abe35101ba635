import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  acquireDataDirLock,
  dataDirHolder,
  DataDirLockedError,
  LOCK_FILE_NAME,
} from '../../electron/core/storage/data-dir-lock.js';

const root = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lc-lock-'));
  dirs.push(dir);
  return dir;
}

/** `npm run web` on a data folder, as a real process; resolves its first line or its exit. */
function webHost(dataDir: string): { child: ChildProcess; outcome: Promise<{ started: boolean; text: string; code: number | null }> } {
  // Node itself with tsx's loader, not the tsx wrapper: kill -9 must land on the process holding the lock.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'electron/web-host.ts'), '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    // Nothing listens on port 9: the engine runs with its stream down, which the lock does not care about.
    env: { ...process.env, LAUNCH_STREAM_URL: 'http://127.0.0.1:9', LAUNCH_ROUTING_URL: 'http://127.0.0.1:9' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const outcome = new Promise<{ started: boolean; text: string; code: number | null }>((done) => {
    const timer = setInterval(() => {
      if (out.includes('Launch Console at ')) {
        clearInterval(timer);
        done({ started: true, text: out, code: null });
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(timer);
      done({ started: false, text: err, code });
    });
  });
  return { child, outcome };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('one writer per data folder', () => {
  it('a second web host on the folder refuses, naming the first; after kill -9 of the first a new one starts', async () => {
    const dataDir = tempDir();
    const first = webHost(dataDir);
    expect((await first.outcome).started).toBe(true);

    const second = await webHost(dataDir).outcome;
    expect(second.started).toBe(false);
    expect(second.code).toBe(1);
    expect(second.text).toMatch(
      new RegExp(`data folder ${dataDir} is in use by another console: web host, pid ${first.child.pid}, started \\d{4}-\\d\\d-\\d\\dT`),
    );

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(true);
    const third = webHost(dataDir);
    expect((await third.outcome).started).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ pid: third.child.pid, host: 'web host' });

    // A clean stop gives the folder back.
    third.child.kill('SIGTERM');
    await new Promise((r) => third.child.once('exit', r));
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
  }, 60_000);

  it('refuses in the same process too, and frees the folder on release', () => {
    const dataDir = tempDir();
    const lock = acquireDataDirLock(dataDir, 'desktop app', () => Date.parse('2026-03-01T09:00:00Z'));
    expect(() => acquireDataDirLock(dataDir, 'web host')).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dataDir, 'web host')).toThrow(/desktop app, pid \d+, started 2026-03-01T09:00:00.000Z/);
    expect(dataDirHolder(dataDir)).toMatchObject({ pid: process.pid, host: 'desktop app' });
    lock.release();
    expect(dataDirHolder(dataDir)).toBeNull();
    acquireDataDirLock(dataDir, 'web host').release();
  });

  it('takes over a lock left by a dead process, a previous boot, or a torn write', () => {
    const dataDir = tempDir();
    const file = join(dataDir, LOCK_FILE_NAME);
    const bootId = existsSync('/proc/sys/kernel/random/boot_id') ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() : null;
    const dead = spawn(process.execPath, ['-e', '']);
    const stale = (over: object) => JSON.stringify({ pid: 1, host: 'web host', hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', bootId, ...over });
    return new Promise<void>((done) => {
      dead.on('exit', () => {
        for (const content of [stale({ pid: dead.pid }), stale({ pid: process.pid, bootId: 'an-earlier-boot' }), '{"pid": 12']) {
          if (content.includes('an-earlier-boot') && bootId === null) continue;
          writeFileSync(file, content);
          const lock = acquireDataDirLock(dataDir, 'web host');
          expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
          lock.release();
        }
        done();
      });
    });
  });
});
