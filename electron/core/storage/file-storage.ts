import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { JsonlFile } from './jsonl-file.js';
import { forEachLine } from './line-reader.js';
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
};
const DOCUMENT_FILES: Record<DocumentName, string> = {
  'alert-state': 'alert-state.json',
  baseline: 'baseline.json',
  'pending-actions': 'pending-actions.json',
  'sampling-counted-until': 'sampling-counted-until.json',
};

/** A JSON-lines file: each append written and fsync'd before its promise resolves. */
export class FileRecordLog implements RecordLog {
  private readonly file: JsonlFile;

  constructor(readonly location: string) {
    this.file = new JsonlFile(location);
  }

  async scan(visit: (record: StoredRecord) => void): Promise<void> {
    if (!existsSync(this.location)) return;
    forEachLine(this.location, (text, position) => {
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        visit({ position, damage: `not valid JSON (${(e as Error).message})` });
        return;
      }
      visit({ position, value });
    });
  }

  async append(record: unknown): Promise<void> {
    this.file.append(record);
  }

  async replace(records: readonly unknown[]): Promise<void> {
    this.file.close();
    writeFileAtomic(this.location, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  async close(): Promise<void> {
    this.file.close();
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
