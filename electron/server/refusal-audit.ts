import type { AuditAppend } from '../../shared/audit.js';
import { BoundedMap } from '../core/lib/bounded-map.js';

const QUIET_MS = 10_000;

/**
 * Every refused request is audited, but a client hammering the server must not bury the launch's
 * record in refusals: the same refusal from the same address is written at most once per 10 s,
 * the next entry counting those folded into it.
 */
export class RefusalAudit {
  private readonly seen = new BoundedMap<string, { at: number; folded: number }>(1000);

  constructor(
    private readonly append: (entry: AuditAppend) => void,
    private readonly now: () => number = Date.now,
  ) {}

  record(who: string, from: string, why: string, data: Record<string, unknown> = {}): void {
    const key = `${from}\n${why}`;
    const now = this.now();
    const last = this.seen.get(key);
    if (last && now - last.at < QUIET_MS) {
      last.folded += 1;
      return;
    }
    const folded = last?.folded ?? 0;
    this.seen.set(key, { at: now, folded: 0 });
    const more = folded > 0 ? ` (and ${folded} more like it in the seconds before)` : '';
    this.append({ type: 'access', operator: who, summary: `Refused a request from ${from}: ${why}${more}`, data: { ...data, from, why, folded } });
  }
}
