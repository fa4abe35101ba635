import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntrySchema } from '../../shared/audit.js';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { runAuditCli } from '../../electron/core/audit/cli.js';
import { FileRecordLog } from '../../electron/core/storage/file-storage.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = join(root, 'electron/core/audit-cli.ts');

function spawnCli(...args: string[]) {
  const r = spawnSync(tsx, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runAuditCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

let dir: string;
let good: string;
let broken: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  good = join(dir, 'good.jsonl');
  const log = await AuditLog.open(new FileRecordLog(good));
  await log.append({ type: 'launch', operator: 'ana', summary: 'T0 set at first call', data: {} });
  await log.append({ type: 'action', operator: 'ana', summary: 'Stop all, "verified"', data: { attempts: 1 } });
  await log.append({ type: 'shift', operator: 'ben', summary: 'Shift handed to ben', data: {} });
  await log.close();
  broken = join(dir, 'broken.jsonl');
  const lines = readFileSync(good, 'utf8').split('\n');
  lines[1] = lines[1]!.replace('"attempts":1', '"attempts":2');
  writeFileSync(broken, lines.join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit CLI', () => {
  it('runs as `npm run audit` does, with its exit codes', () => {
    expect(spawnCli('verify', good)).toEqual({ code: 0, out: 'OK: 3 entries, chain intact\n', err: '' });
    expect(spawnCli('verify', broken)).toMatchObject({ code: 1, out: expect.stringMatching(/^BROKEN at line 2/) });
    expect(spawnCli('verify')).toMatchObject({ code: 2, err: expect.stringMatching(/verify takes exactly one <file>/) });
  });

  it('names a misspelt option and the nearest known one', async () => {
    expect(await run('export', good, '--fromat', 'csv')).toMatchObject({ code: 2, err: expect.stringMatching(/^unknown option: --fromat \(did you mean "--format"\?\)/) });
    expect(await run('export', good, 'extra', '--format=csv')).toMatchObject({ code: 2, err: expect.stringMatching(/^unexpected argument: extra/) });
    expect(await run('verify', good, '--fast')).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown option '--fast'/) });
  });

  it('verify: OK with the entry count, exit 0', async () => {
    expect(await run('verify', good)).toEqual({ code: 0, out: 'OK: 3 entries, chain intact\n', err: '' });
  });

  it('verify: names the lines torn by a crash that it skipped', async () => {
    const torn = join(dir, 'torn.jsonl');
    writeFileSync(torn, readFileSync(good, 'utf8').slice(0, -30));
    expect(await run('verify', torn)).toEqual({ code: 0, out: 'OK: 2 entries, chain intact (skipped 1 line(s) torn by a crash: 3)\n', err: '' });
  });

  it('verify: BROKEN naming the line, exit 1', async () => {
    const r = await run('verify', broken);
    expect(r.code).toBe(1);
    expect(r.out).toBe('BROKEN at line 2: hash does not match the content: the entry was changed\n');
  });

  it('export: CSV and JSONL to stdout', async () => {
    const csv = await run('export', good, '--format', 'csv');
    expect(csv.code).toBe(0);
    const rows = csv.out.split('\r\n');
    expect(rows[0]).toBe('seq,ts,type,operator,summary,data,prevHash,hash');
    expect(rows[2]).toMatch(/^2,[^,]+,action,ana,"Stop all, ""verified""","{""attempts"":1}",[0-9a-f]{64},[0-9a-f]{64}$/);
    expect(rows).toHaveLength(5);
    const jsonl = await run('export', good, '--format=jsonl');
    expect(jsonl.out.trimEnd().split('\n').map((l) => AuditEntrySchema.parse(JSON.parse(l)).seq)).toEqual([1, 2, 3]);
  });

  it('export of a broken file warns and exits 1', async () => {
    const r = await run('export', broken, '--format', 'jsonl');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/warning: chain BROKEN at line 2/);
  });

  it('usage errors exit 2 with a clear message', async () => {
    expect(await run()).toMatchObject({ code: 2, err: expect.stringMatching(/^missing command\nusage:/) });
    expect(await run('frobnicate')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command: frobnicate/) });
    expect(await run('verify')).toMatchObject({ code: 2, err: expect.stringMatching(/verify takes exactly one <file>/) });
    expect(await run('verify', join(dir, 'missing.jsonl'))).toMatchObject({ code: 2, err: expect.stringMatching(/no such file/) });
    expect(await run('export', good)).toMatchObject({ code: 2, err: expect.stringMatching(/--format must be csv or jsonl/) });
    expect(await run('export', good, '--format', 'xml')).toMatchObject({ code: 2, err: expect.stringMatching(/\(got "xml"\)/) });
    expect(await run('verify', good, '--launch', 'pilot')).toMatchObject({ code: 2, err: expect.stringMatching(/^--launch goes with --database/) });
    expect(await run('verify', good, '--database', 'postgres://127.0.0.1:9/launch')).toMatchObject({ code: 2, err: expect.stringMatching(/^verify takes a <file> or --database, not both/) });
    expect(await run('export', '--databse', 'postgres://x/y', '--format', 'csv')).toMatchObject({ code: 2, err: expect.stringMatching(/did you mean "--database"/) });
  });
});
