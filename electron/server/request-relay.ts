import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Actor } from '../core/engine/acting-operator.js';
import type { Bus } from './bus.js';

/** A request older than this when the leader sees it is not run: its operator was told it timed out. */
const STALE_SEC = 20;

export type LeaderDispatch = (actor: Actor, channel: string, request: unknown) => Promise<unknown>;

/**
 * A window's request made at an instance that does not lead, carried to the one that does: a row
 * in the database and a notice. The leader claims it once (so a retry of the notice runs
 * nothing twice), runs it as the operator who asked, and answers the same way.
 */
export class RequestRelay {
  private readonly waiting = new Map<string, { resolve(): void; reject(e: Error): void }>();
  private serving: LeaderDispatch | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly bus: Bus,
    private readonly launchId: string,
  ) {}

  /** Runs a request at the leader and resolves to its answer; rejects with the leader's error, or after `timeoutMs`. */
  async ask(actor: Actor, channel: string, request: unknown, timeoutMs: number): Promise<unknown> {
    const id = randomUUID();
    await this.pool.query(
      'INSERT INTO console_requests (id, launch_id, from_instance, actor, channel, request) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, this.launchId, this.bus.instanceId, JSON.stringify(actor), channel, JSON.stringify(request ?? {})],
    );
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer from the leading console-server instance within ${Math.round(timeoutMs / 1000)} s: it may have stopped while running this; check the audit log and the provider's state before asking again`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    await this.bus.publish({ kind: 'request', id });
    await answered;
    const row = await this.pool.query<{ ok: boolean; result: string }>('DELETE FROM console_requests WHERE id = $1 RETURNING ok, result', [id]);
    const done = row.rows[0];
    if (!done) throw new Error('the answer to this request was lost');
    if (!done.ok) throw new Error(done.result);
    return JSON.parse(done.result) as unknown;
  }

  /** The leader runs what the other instances ask, from now on; null stops it. */
  serve(dispatch: LeaderDispatch | null): void {
    this.serving = dispatch;
    if (dispatch) void this.claimWaiting();
  }

  /** A bus notice for this relay. */
  heard(kind: 'request' | 'result', id: string, to?: string): void {
    if (kind === 'result') {
      if (to === this.bus.instanceId) this.waiting.get(id)?.resolve();
      this.waiting.delete(id);
      return;
    }
    void this.run(id);
  }

  /** Requests asked while no instance led, recent enough to be run still. */
  private async claimWaiting(): Promise<void> {
    const rows = await this.pool
      .query<{ id: string }>(`SELECT id FROM console_requests WHERE launch_id = $1 AND claimed_by IS NULL AND created_at > now() - make_interval(secs => $2)`, [this.launchId, STALE_SEC])
      .catch(() => ({ rows: [] as { id: string }[] }));
    for (const r of rows.rows) void this.run(r.id);
  }

  /** Drops the requests whose asker stopped waiting long ago (its instance died, say): the table stays small. */
  async sweep(): Promise<void> {
    await this.pool.query(`DELETE FROM console_requests WHERE launch_id = $1 AND created_at < now() - interval '5 minutes'`, [this.launchId]);
  }

  private async run(id: string): Promise<void> {
    const dispatch = this.serving;
    if (!dispatch) return;
    try {
      const claimed = await this.pool.query<{ actor: Actor; channel: string; request: unknown; from_instance: string }>(
        `UPDATE console_requests SET claimed_by = $2 WHERE id = $1 AND launch_id = $3 AND claimed_by IS NULL AND created_at > now() - make_interval(secs => $4)
         RETURNING actor, channel, request, from_instance`,
        [id, this.bus.instanceId, this.launchId, STALE_SEC],
      );
      const row = claimed.rows[0];
      if (!row) return;
      let ok = true;
      let result: string;
      try {
        result = JSON.stringify((await dispatch(row.actor, row.channel, row.request)) ?? null);
      } catch (e) {
        ok = false;
        result = e instanceof Error ? e.message : String(e);
      }
      await this.pool.query('UPDATE console_requests SET ok = $2, result = $3, done_at = now() WHERE id = $1', [id, ok, result]);
      await this.bus.publish({ kind: 'result', id, to: row.from_instance });
    } catch {
      // The database went away mid-request: the asking instance times out and says so.
    }
  }
}
