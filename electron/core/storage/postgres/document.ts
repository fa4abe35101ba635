import type pg from 'pg';
import type { DocumentRead, JsonDocument } from '../ports.js';
import { jsonbText, PostgresStorageError, query } from './database.js';

/**
 * A document as one row, replaced whole by a single statement, so a reader sees the old value or
 * the new one. jsonb always parses, so a document here is never unreadable: one of the wrong shape
 * is the reading store's to set aside.
 */
export class PostgresJsonDocument implements JsonDocument {
  constructor(
    private readonly pool: pg.Pool,
    private readonly launchId: string,
    private readonly name: string,
    readonly location: string,
  ) {}

  async read(): Promise<DocumentRead> {
    const result = await query<{ value: unknown }>(this.pool, `reading ${this.location}`, 'SELECT value FROM documents WHERE launch_id = $1 AND name = $2', [
      this.launchId,
      this.name,
    ]);
    const row = result.rows[0];
    return row ? { kind: 'stored', value: row.value } : { kind: 'none' };
  }

  async write(value: unknown): Promise<void> {
    const text = jsonbText(value);
    await query(
      this.pool,
      `writing ${this.location}`,
      `INSERT INTO documents (launch_id, name, value) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (launch_id, name) DO UPDATE SET value = excluded.value, written_at = now()`,
      [this.launchId, this.name, text],
    );
  }

  async setAside(label: string): Promise<string> {
    const result = await query<{ id: string }>(
      this.pool,
      `setting aside ${this.location}`,
      `WITH moved AS (DELETE FROM documents WHERE launch_id = $1 AND name = $2 RETURNING value, written_at)
       INSERT INTO documents_set_aside (launch_id, name, label, value, written_at)
       SELECT $1, $2, $3, value, written_at FROM moved RETURNING id`,
      [this.launchId, this.name, label],
    );
    const id = result.rows[0]?.id;
    if (id === undefined) throw new PostgresStorageError(`setting aside ${this.location} failed: there is no such document`);
    return `row ${id} of documents_set_aside (${this.name}, ${label})`;
  }
}
