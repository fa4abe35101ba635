import type { SettingsStore } from './settings-store.js';

/**
 * The storage every feature's store is written against. Files (append + fsync, write-then-rename)
 * back it on one machine; a database backs it for a team. Every operation is a promise so both
 * fit behind the same calls, and a feature never learns which one it runs on.
 */

/** One stored record as read back: its value, or why it could not be read (a line torn by a crash, damage). */
export type StoredRecord = { position: number; value: unknown } | { position: number; damage: string };

/** An append-only sequence of JSON records: the audit log, reviews, sessions, kept calls. */
export interface RecordLog {
  /** Where the records live, for messages. */
  readonly location: string;
  /**
   * Visits every record in order, streamed so a long log is never held whole; with `after`, only
   * those past that position (what another server appended since this one last looked).
   */
  scan(visit: (record: StoredRecord) => void, after?: number): Promise<void>;
  /** Resolves once the record is durable: an operator may be told it is saved. */
  append(record: unknown): Promise<void>;
  /**
   * Appends the record `next` makes from the newest readable record of the log (null when there is
   * none), with no other append in between, even from another console server sharing the log: a
   * chain whose every record names the one before cannot fork. Resolves to the record once it is
   * durable. Appends asked together may be written together, in the order asked.
   */
  appendNext<T>(next: (newest: unknown) => T): Promise<T>;
  /** Replaces every record at once (compaction); a crash leaves the old records or the new ones. */
  replace(records: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

export type DocumentRead = { kind: 'none' } | { kind: 'stored'; value: unknown } | { kind: 'unreadable'; why: string };

/** A small JSON document rewritten whole on each change: alert state, baselines, pending actions. */
export interface JsonDocument {
  readonly location: string;
  read(): Promise<DocumentRead>;
  /** Resolves once the new value is durable; a crash leaves the old value or the new one. */
  write(value: unknown): Promise<void>;
  /**
   * Moves an unreadable document out of the way without destroying it, so a fresh one can be
   * written; resolves to where it was kept.
   */
  setAside(label: string): Promise<string>;
}

/** The names of a launch's records; each feature owns the ones it writes. */
export type RecordLogName = 'audit' | 'cadence' | 'sampling-sessions' | 'kept-calls' | 'kpi-history' | 'gates' | 'rehearsals' | 'team-directory';
export type DocumentName = 'alert-state' | 'baseline' | 'pending-actions' | 'sampling-counted-until' | 'rollout-ladder' | 'team-handover' | 'stream-marks';

/** Everything one launch keeps. */
export interface LaunchStorage {
  /** Where the launch's records are, in words: a folder or a database. */
  readonly description: string;
  records(name: RecordLogName): RecordLog;
  document(name: DocumentName): JsonDocument;
  settings(): SettingsStore;
}
