import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { JsonlFile } from './jsonl-file.js';
import { storedRecordsOf } from './line-reader.js';
import type { DocumentName, DocumentRead, JsonDocument, LaunchStorage, RecordLog, RecordLogName, StoredRecord } from './ports.js';
import { confSettings } from './conf-settings.js';
import type { SettingsStore } from './settings-store.js';

/** File names stay those of earlier versions, so a data folder written by one opens in the next. */
const RECORD_FILES: Record<RecordLogName, string> = {
  audit: 'audit.jsonl',
  cadence: 'cadence.jsonl',
  'sampling-sessions': 'sampling-sessions.jsonl',
  'kept-calls': 'kept-calls.jsonl',
  'kpi-history': 'kpi-history.jsonl',
  gates: 'gates.jsonl',
  rehearsals: 'rehearsals.jsonl',
  'team-directory': 'team-directory.jsonl',
};
const DOCUMENT_FILES: Record<DocumentName, string> = {
  'alert-state': 'alert-state.json',
  baseline: 'baseline.json',
  'pending-actions': 'pending-actions.json',
  'sampling-counted-until': 'sampling-counted-until.json',
  'rollout-ladder': 'rollout-ladder.json',
  'team-handover': 'team-handover.json',
  'stream-marks': 'stream-marks.json',
};

/**
 * A JSON-lines file: each append written and fsync'd before its promise resolves. One console
 * writes to a data folder at a time (the data-folder lock), so the newest record is known here
 * once read and no other writer can slip one in after it.
 */
export class FileRecordLog implements RecordLog {
  private readonly file: JsonlFile;
  /** The newest readable record, once a scan or an append has seen it. */
  private newest: { value: unknown } | null = null;

  constructor(readonly location: string) {
    this.file = new JsonlFile(location);
  }

  async scan(visit: (record: StoredRecord) => void, after = 0): Promise<void> {
    this.newest = {
      value: this.readAll((record) => {
        if (record.position > after) visit(record);
      }),
    };
  }

  async append(record: unknown): Promise<void> {
    this.file.append(record);
    this.newest = { value: record };
  }

  /** Synchronous from reading the newest record to writing the next, so no append of this console can come between. */
  async appendNext<T>(next: (newest: unknown) => T): Promise<T> {
    const newest = this.newest ? this.newest.value : this.readAll(() => undefined);
    const record = next(newest);
    this.file.append(record);
    this.newest = { value: record };
    return record;
  }

  async replace(records: readonly unknown[]): Promise<void> {
    this.file.close();
    writeFileAtomic(this.location, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    this.newest = { value: records.at(-1) ?? null };
  }

  async close(): Promise<void> {
    this.file.close();
  }

  /** Visits every record and returns the newest one that parsed (a line torn by a crash is skipped). */
  private readAll(visit: (record: StoredRecord) => void): unknown {
    let newest: unknown = null;
    if (!existsSync(this.location)) return newest;
    for (const record of storedRecordsOf(this.location)) {
      if ('value' in record) newest = record.value;
      visit(record);
    }
    return newest;
  }
}

/** A JSON file replaced whole by write-then-rename. */
export class FileJsonDocument implements JsonDocument {
  constructor(readonly location: string) {}

  async read(): Promise<DocumentRead> {
    if (!existsSync(this.location)) return { kind: 'none' };
    try {
      return { kind: 'stored', value: JSON.parse(readFileSync(this.location, 'utf8')) as unknown };
    } catch (e) {
      return { kind: 'unreadable', why: (e as Error).message };
    }
  }

  async write(value: unknown): Promise<void> {
    writeFileAtomic(this.location, `${JSON.stringify(value, null, 2)}\n`);
  }

  async setAside(label: string): Promise<string> {
    const aside = `${this.location}.${label}`;
    renameSync(this.location, aside);
    return aside;
  }
}

/** One launch's records as files in its data folder: the single-machine default. */
export function fileStorage(dataDir: string, settings?: SettingsStore): LaunchStorage {
  mkdirSync(dataDir, { recursive: true });
  let openedSettings = settings;
  return {
    description: `the data folder ${dataDir}`,
    records: (name) => new FileRecordLog(join(dataDir, RECORD_FILES[name])),
    document: (name) => new FileJsonDocument(join(dataDir, DOCUMENT_FILES[name])),
    settings: () => (openedSettings ??= confSettings(dataDir)),
  };
}
