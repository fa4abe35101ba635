import type pg from 'pg';
import type { ConsolePush } from '../../shared/bridge.js';
import type { ConsoleSnapshot } from '../../shared/console-state.js';
import { NOTICE_LIMIT, type Bus } from './bus.js';

/**
 * The leader's snapshots and notifications, for the windows of the other instances. A snapshot
 * is too big for a notice: the newest is kept in one row and the notice says it changed; an
 * instance reading slower than the leader writes skips to the newest.
 */
export class SnapshotFeed {
  private seq = 0;
  private writing: Promise<void> | null = null;
  private nextText: string | null = null;
  private reading = false;
  private readAgain = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly bus: Bus,
    private readonly launchId: string,
    private readonly deliver: (push: ConsolePush) => void,
  ) {}

  /** The leader publishes a push of its console. Failures are dropped: the next snapshot replaces this one. */
  publish(push: ConsolePush): void {
    if (push.kind === 'snapshot') {
      this.nextText = JSON.stringify(push.snapshot);
      this.writing ??= this.writeNewest().finally(() => {
        this.writing = null;
      });
      return;
    }
    let notice = { kind: 'push' as const, push: push as unknown };
    if (push.kind === 'notification' && Buffer.byteLength(JSON.stringify(notice)) > NOTICE_LIMIT - 200) {
      notice = { kind: 'push', push: { ...push, body: `${push.body.slice(0, 3000)}…` } };
    }
    void this.bus.publish(notice).catch(() => undefined);
  }

  /** A notice from the leader: its snapshot changed (read it), or a notification to show. */
  heard(message: { kind: 'snapshot' } | { kind: 'push'; push: unknown }): void {
    if (message.kind === 'push') {
      this.deliver(message.push as ConsolePush);
      return;
    }
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void this.readNewest().finally(() => {
      this.reading = false;
      if (this.readAgain) {
        this.readAgain = false;
        this.heard({ kind: 'snapshot' });
      }
    });
  }

  private async writeNewest(): Promise<void> {
    while (this.nextText !== null) {
      const text = this.nextText;
      this.nextText = null;
      this.seq += 1;
      try {
        await this.pool.query(
          `INSERT INTO console_snapshots (launch_id, instance_id, seq, snapshot, written_at) VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (launch_id) DO UPDATE SET instance_id = EXCLUDED.instance_id, seq = EXCLUDED.seq, snapshot = EXCLUDED.snapshot, written_at = now()`,
          [this.launchId, this.bus.instanceId, this.seq, text],
        );
        await this.bus.publish({ kind: 'snapshot', seq: this.seq });
      } catch {
        return;
      }
    }
  }

  private async readNewest(): Promise<void> {
    try {
      const row = await this.pool.query<{ snapshot: string }>('SELECT snapshot FROM console_snapshots WHERE launch_id = $1', [this.launchId]);
      const text = row.rows[0]?.snapshot;
      if (text) this.deliver({ kind: 'snapshot', snapshot: JSON.parse(text) as ConsoleSnapshot });
    } catch {
      // Unreachable for now: the windows keep the snapshot they have, marked by the database's health.
    }
  }
}
