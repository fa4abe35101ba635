import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntrySchema } from '../../shared/audit.js';
import { verifyAuditFile } from '../../electron/core/audit/chain.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';

/**
 * A console taking routing actions against the simulator is SIGKILLed again and again: at
 * random instants, and on purpose between the provider applying an action and the console
 * writing its audit entry (the storage under the audit log kills the process as that entry is
 * about to be appended, or just after it is durable and before the pending journal forgets the
 * action). Each restart reads pending actions back; the operator (here, the
 * script) sends half of those not applied again and discards the rest. In the end, the actions
 * the provider applied are exactly the audited ones: none missing, none audited twice.
 */

const root = resolve(import.meta.dirname, '../..');
const modules = {
  service: join(root, 'electron/core/console-service.ts'),
  storage: join(root, 'electron/core/storage/file-storage.ts'),
  config: join(root, 'shared/config.ts'),
};

const CONSOLE = `
const [service, storageModule, configModule, dataDir, url, token, killAtText, actionsText, seedText] = process.argv.slice(1);
const { ConsoleService } = await import(service);
const { fileStorage } = await import(storageModule);
const { LaunchConfigSchema } = await import(configModule);
const [when, nth] = killAtText.split(':');
const killAt = Number(nth);
let seed = Number(seedText) >>> 0;
const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const files = fileStorage(dataDir);
let actionEntries = 0;
const storage = {
  description: files.description,
  document: (name) => files.document(name),
  settings: () => files.settings(),
  records(name) {
    const log = files.records(name);
    if (name !== 'audit') return log;
    return {
      location: log.location,
      scan: (visit) => log.scan(visit),
      replace: (records) => log.replace(records),
      close: () => log.close(),
      append: (record) => log.append(record),
      // The audit log chains each entry to the newest stored one: the kill lands just before or just after that write.
      async appendNext(next) {
        let due = false;
        const written = await log.appendNext((newest) => {
          const record = next(newest);
          due = record.type === 'action' && ++actionEntries === killAt;
          if (due && when === 'before') process.kill(process.pid, 'SIGKILL');
          return record;
        });
        if (due) process.kill(process.pid, 'SIGKILL');
        return written;
      },
    };
  },
};
const config = LaunchConfigSchema.parse({
  stream: { url },
  routing: { baseUrl: url, timeoutMs: 2000, retries: 1, deadlineMs: 30000 },
});
const console_ = await ConsoleService.open({ config, dataDir, storage, routingToken: token });
await console_.handlers['operator:set-shift-owner']({ name: 'Dana' });
await console_.routingActions.whenResumed();
let n = 0;
for (const pending of console_.routingActions.view().pendingAfterRestart) {
  await console_.handlers['routing:resolve-pending']({ intentId: pending.intent.id, decision: n++ % 2 === 0 ? 'resend' : 'discard' });
}
process.stdout.write('ready\\n');
for (let i = 0; i < Number(actionsText); i++) {
  const now = (await console_.handlers['routing:refresh']({})).state?.agentShare ?? 0;
  // A share different from the current one, so the read-back tells whether this very action applied.
  const share = (now + 1 + Math.floor(random() * 99)) % 101;
  const prepared = await console_.handlers['routing:prepare']({ action: 'set_share', share });
  await console_.handlers['routing:execute']({ intentId: prepared.intent.id });
}
await console_.stop();
process.exit(0);
`;

let sim: SimHandle;
const dataDir = mkdtempSync(join(tmpdir(), 'routing-kill-'));
beforeAll(async () => {
  sim = await startSimulator({ manualClock: true, seed: 4, rate: 1 });
});
afterAll(async () => {
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Runs one console; `killAfterMs` kills it from outside that long after it is ready. Resolves to how it ended. */
async function runConsole(killAt: string, actions: number, seed: number, killAfterMs: number | null): Promise<string> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', CONSOLE, modules.service, modules.storage, modules.config, dataDir, sim.url, sim.token, String(killAt), String(actions), String(seed)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ended = new Promise<string>((r) => child.once('exit', (code, signal) => r(signal ?? `exit ${code}`)));
  if (killAfterMs !== null) {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
  }
  const how = await ended;
  if (how !== 'SIGKILL' && how !== 'exit 0') throw new Error(`console ended with ${how}: ${err}`);
  return how;
}

function auditedActions(): { applied: string[]; all: string[] } {
  const entries = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [AuditEntrySchema.parse(JSON.parse(l))];
      } catch {
        return [];
      }
    })
    .filter((e) => e.type === 'action');
  const data = entries.map((e) => e.data as { idempotencyKey: string; applied: string });
  return { applied: data.filter((d) => d.applied === 'yes').map((d) => d.idempotencyKey), all: data.map((d) => d.idempotencyKey) };
}

describe('routing actions under SIGKILL', () => {
  it('ends with every action the provider applied in the audit log, once', { timeout: 240_000 }, async () => {
    const seed = Date.now();
    const random = seeded(seed);
    let onPurpose = 0;
    let fromOutside = 0;
    for (let round = 0; round < 10; round++) {
      // The action entry this run kills itself at: a fresh action's, or one settled after the restart.
      const killAt = `${round % 3 === 1 ? 'after' : 'before'}:${1 + Math.floor(random() * 3)}`;
      const how = await runConsole(killAt, 4, seed + round, null);
      if (how === 'SIGKILL') onPurpose++;
      if (round % 3 === 2) {
        const outside = await runConsole('never:0', 6, seed + 100 + round, 20 + Math.floor(random() * 300));
        if (outside === 'SIGKILL') fromOutside++;
      }
    }
    // A last run with no kill settles whatever the last kill left pending.
    expect(await runConsole('never:0', 1, seed + 999, null)).toBe('exit 0');

    const context = `seed ${seed}, ${onPurpose} kills on purpose, ${fromOutside} from outside`;
    expect(onPurpose, context).toBeGreaterThanOrEqual(10);
    expect(verifyAuditFile(join(dataDir, 'audit.jsonl')).ok, context).toBe(true);
    const { applied, all } = auditedActions();
    expect(new Set(all).size, `${context}: an action audited twice`).toBe(all.length);
    expect(applied.length, context).toBe(sim.appliedActions);
  });
});
