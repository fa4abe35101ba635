import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');
const FIXTURES = join(ROOT, 'test/fixtures/layering');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** The rules the check reports for one tree, run the way `npm test` runs it. */
async function violations(cwd: string, paths: string[]): Promise<Violation[]> {
  const result = await run(DEPCRUISE, ['--config', CONFIG, '--output-type', 'json', ...paths], { cwd }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
  );
  return (JSON.parse(result.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('layering rules', () => {
  // Each fixture is the smallest tree that breaks one rule: its folder is named after the rule.
  const fixtures = readdirSync(FIXTURES);

  it('has a violating fixture for every rule', async () => {
    const { forbidden } = (await import(CONFIG)).default as { forbidden: { name: string }[] };
    expect(fixtures.sort()).toEqual(forbidden.map((r) => r.name).sort());
  });

  it.each(fixtures)('%s: its fixture fails with that rule, and only that rule', async (rule) => {
    const dir = join(FIXTURES, rule);
    const found = await violations(dir, readdirSync(dir));
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((v) => v.rule.name))).toEqual(new Set([rule]));
  });
});
