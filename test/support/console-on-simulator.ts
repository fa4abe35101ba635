import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditEntrySchema, type AuditEntry } from '../../shared/audit.js';
import type { ConsoleService } from '../../electron/core/console-service.js';
import type { SimHandle } from '../../sim/server.js';

/**
 * A console engine on the simulator's manual clock, the way the integration tests drive one:
 * wait for a condition, play simulated time in steps, read the audit log back from the data folder.
 */

/** Waits for a condition; a loaded machine gets 30 s before the test gives up and names what it waited for. */
export async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const limit = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Plays simulated time in steps, ticking the engine once the stream has caught up with each. */
export async function play(run: { sim: SimHandle; service: ConsoleService }, ms: number, stepMs = 20_000): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    run.sim.advance(stepMs);
    const target = run.sim.seq();
    await until(() => run.service.stream.newestSeq >= target, 'the stream to catch up');
    run.service.tick();
  }
}

/** Every entry of the audit log in a data folder, each checked against the schema. */
export function auditEntriesIn(dataDir: string): AuditEntry[] {
  return readFileSync(join(dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => AuditEntrySchema.parse(JSON.parse(l)));
}
