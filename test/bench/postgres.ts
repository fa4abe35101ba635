/**
 * Audit appends to PostgreSQL with the hash chain, on a throwaway cluster with fsync on: each
 * append acknowledged only once committed. Two console servers (two pools) append to one launch
 * with many appends in flight, as a busy launch day does; then one append at a time, the latency
 * an operator waits for. Ends by verifying the chain. Prints figures; never asserts on them.
 *
 *   npx tsx test/bench/postgres.ts
 */
import { pathToFileURL } from 'node:url';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { scanAuditLog } from '../../electron/core/audit/chain.js';
import { PostgresStorage } from '../../electron/core/storage/postgres/postgres-storage.js';
import { startThrowawayCluster } from '../support/postgres.js';

const SERVERS = 2;
const PER_SERVER = 2_500;
const IN_FLIGHT_PER_SERVER = 32;
const ONE_AT_A_TIME = 200;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/** Keeps `window` appends in flight until `total` were acknowledged. */
async function appendMany(audit: AuditLog, server: number, total: number, window: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await audit.append({ type: 'annotation', operator: `reviewer-${server}`, summary: `call ${i} tagged`, data: { callId: `c-${server}-${i}`, tags: ['latency'] } });
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

export async function benchPostgres(): Promise<Record<string, number>> {
  const cluster = await startThrowawayCluster();
  try {
    const url = await cluster.createDatabase('bench');
    const servers = await Promise.all(Array.from({ length: SERVERS }, () => PostgresStorage.open({ url, launchId: 'bench-launch' })));
    const logs = await Promise.all(servers.map((s) => AuditLog.open(s.records('audit'))));

    const t0 = performance.now();
    await Promise.all(logs.map((log, i) => appendMany(log, i, PER_SERVER, IN_FLIGHT_PER_SERVER)));
    const concurrentSec = (performance.now() - t0) / 1000;

    const single = logs[0]!;
    const ms: number[] = [];
    const t1 = performance.now();
    for (let i = 0; i < ONE_AT_A_TIME; i++) {
      const t = performance.now();
      await single.append({ type: 'action', operator: 'ana', summary: `Pause ${i}` });
      ms.push(performance.now() - t);
    }
    const singleSec = (performance.now() - t1) / 1000;
    ms.sort((a, b) => a - b);

    await Promise.all(logs.map((l) => l.close()));
    const verdict = await scanAuditLog(servers[0]!.records('audit'));
    await Promise.all(servers.map((s) => s.close()));
    const appended = SERVERS * PER_SERVER + ONE_AT_A_TIME;
    return {
      appendsPerSec: Math.round((SERVERS * PER_SERVER) / concurrentSec),
      oneAtATimePerSec: Math.round(ONE_AT_A_TIME / singleSec),
      oneAtATimeP50Ms: percentile(ms, 0.5),
      oneAtATimeP95Ms: percentile(ms, 0.95),
      appended,
      chainEntries: verdict.entries,
      chainIntact: verdict.ok ? 1 : 0,
    };
  } finally {
    await cluster.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchPostgres();
  for (const [name, value] of Object.entries(figures)) {
    console.log(`${name.padEnd(18)} ${Number.isInteger(value) ? value : value.toFixed(1)}`);
  }
}
