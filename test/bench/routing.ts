/**
 * Confirm-to-verified time of routing actions against the simulator over loopback (real clock,
 * speed 1): from execute start to a read-back showing the change, through the pending-actions
 * journal (write-then-rename), the POST and the GET. Prints figures; never asserts on them.
 *
 *   npx tsx test/bench/routing.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimulator } from '../../sim/server.js';
import { ActionExecutor } from '../../electron/core/routing/action-executor.js';
import { PendingActionsJournal } from '../../electron/core/routing/pending-journal.js';
import { HttpRoutingProvider } from '../../electron/core/routing/provider.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';

const ACTIONS = 100;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

export async function benchRouting(): Promise<Record<string, number>> {
  const sim = await startSimulator({ speed: 1, rate: 5, seed: 3 });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-routing-'));
  try {
    const provider = new HttpRoutingProvider({ baseUrl: sim.url, token: sim.token, timeoutMs: 2000 });
    const journal = await PendingActionsJournal.open(fileStorage(dataDir).document('pending-actions'));
    const executor = new ActionExecutor({ provider, journal, timeoutMs: 2000, retries: 3 });
    const ms: number[] = [];
    let unverified = 0;
    for (let i = 0; i < ACTIONS; i++) {
      const action = i % 2 === 0 ? 'pause_ramp' : 'resume';
      const outcome = await executor.execute(executor.prepare({ action, operator: 'bench' }));
      // As the console does once the outcome is audited, so the journal stays as short as it does there.
      await executor.forget(outcome.intentId);
      if (outcome.status === 'verified') ms.push(outcome.elapsedMs);
      else unverified += 1;
    }
    ms.sort((a, b) => a - b);
    return {
      actions: ACTIONS,
      unverified,
      appliedOnProvider: sim.appliedActions,
      actionMedianMs: percentile(ms, 0.5),
      actionP95Ms: percentile(ms, 0.95),
      actionMaxMs: ms.at(-1) ?? Number.NaN,
    };
  } finally {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchRouting();
  for (const [name, value] of Object.entries(figures)) {
    console.log(`${name.padEnd(18)} ${Number.isInteger(value) ? value : value.toFixed(1)}`);
  }
}
