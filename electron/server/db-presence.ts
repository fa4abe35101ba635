import type pg from 'pg';
import type { PresentOperator, Role, Screen } from '../../shared/team.js';
import { groupPresence, type PresenceBoard, type PresentWindow } from '../core/team/presence.js';

/** An instance not heard from for this long has died: its windows are no longer shown as present. */
export const INSTANCE_FRESH_SEC = 5;

/**
 * Presence across the instances of the console server: each instance keeps its own windows and
 * writes them to the database every second; every instance reads everyone's back. With the
 * database unreachable an instance shows the windows it serves itself.
 */
export class DbPresence implements PresenceBoard {
  private readonly windows = new Map<string, PresentWindow>();
  private everyone: PresentWindow[] | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly launchId: string,
    private readonly instanceId: string,
  ) {}

  connect(connectionId: string, who: { name: string; role: Role }, now: number): void {
    this.windows.set(connectionId, { name: who.name, role: who.role, screen: 'dashboard', since: now });
    this.everyone = this.everyone ? [...this.everyone, this.windows.get(connectionId)!] : null;
  }

  showing(connectionId: string, screen: Screen): void {
    const w = this.windows.get(connectionId);
    if (w) w.screen = screen;
  }

  disconnect(connectionId: string): void {
    this.windows.delete(connectionId);
  }

  list(): PresentOperator[] {
    return groupPresence(this.everyone ?? this.windows.values());
  }

  /** Writes this instance's windows and reads every live instance's; a failure leaves this instance's own on show. */
  async sync(): Promise<void> {
    try {
      const rows = [...this.windows.entries()].map(([id, w]) => ({ id, ...w }));
      await this.pool.query(
        `WITH gone AS (DELETE FROM console_presence WHERE launch_id = $1 AND instance_id = $2 AND NOT (connection_id = ANY($3::text[])))
         INSERT INTO console_presence (connection_id, launch_id, instance_id, name, role, screen, since)
         SELECT r.id, $1, $2, r.name, r.role, r.screen, r.since FROM jsonb_to_recordset($4::jsonb) AS r(id text, name text, role text, screen text, since bigint)
         ON CONFLICT (connection_id) DO UPDATE SET screen = EXCLUDED.screen`,
        [this.launchId, this.instanceId, rows.map((r) => r.id), JSON.stringify(rows)],
      );
      const read = await this.pool.query<PresentWindow>(
        `SELECT p.name, p.role, p.screen, p.since::float8 AS since FROM console_presence p
         JOIN console_instances i ON i.launch_id = p.launch_id AND i.instance_id = p.instance_id
         WHERE p.launch_id = $1 AND i.seen_at > now() - make_interval(secs => $2)`,
        [this.launchId, INSTANCE_FRESH_SEC],
      );
      this.everyone = read.rows;
    } catch {
      this.everyone = null;
    }
  }
}
