/**
 * The launch report of a recorded two-day launch at 2 calls a second (faults, actions, reviews,
 * a call sample, more than 5,000 audit entries): the time to read every record from storage and
 * build the HTML, and its size.
 *
 *   npx tsx test/bench/report.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REVIEW_PLAN } from '../../electron/core/cadence/schedule.js';
import { buildLaunchReport } from '../../electron/core/report/build-report.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import { INTENTS, recordLaunch, T0 } from '../support/recorded-launch.js';

export async function benchReport(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const launch = await recordLaunch(dir);
    const build = () =>
      buildLaunchReport(fileStorage(dir), { launchName: 'Bench launch', intents: INTENTS, reviewPlan: REVIEW_PLAN, from: T0, to: launch.end, now: launch.end });
    await build();
    const t = performance.now();
    const file = await build();
    return {
      buildMs: Math.round(performance.now() - t),
      htmlKb: Math.round(Buffer.byteLength(file.content) / 1024),
      auditEntries: launch.auditEntries,
      calls: launch.calls,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  console.log(await benchReport());
}
