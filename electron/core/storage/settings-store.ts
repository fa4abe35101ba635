import { z } from 'zod';
import { LaunchClockSchema } from '../../../shared/cadence.js';
import { describeZodError } from '../../../shared/protocol.js';

/**
 * The console's settings: a small object rewritten whole on each change (write-then-rename), unlike
 * the append-only records. The desktop app keeps it with electron-store, the web host with conf
 * (electron-store is built on it); both sit behind `SettingsStore`, so the core never knows which.
 */
export const ConsoleSettingsSchema = z.object({
  /** T0 and who set it. The only copy: the cadence store keeps reviews, not the clock. */
  launchClock: LaunchClockSchema.nullable().default(null),
});
export type ConsoleSettings = z.infer<typeof ConsoleSettingsSchema>;
export type SettingKey = keyof ConsoleSettings;

export const SETTINGS_FILE_NAME = 'settings';

export class SettingsError extends Error {}

export interface SettingsStore {
  /** The file behind the settings, for messages. */
  readonly location: string;
  get<K extends SettingKey>(key: K): ConsoleSettings[K];
  set<K extends SettingKey>(key: K, value: ConsoleSettings[K]): void;
}

/** What conf and electron-store both offer; `store` reads the whole file. */
export interface KeyValueFile {
  readonly path: string;
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
}

/**
 * Settings validated in both directions. A damaged or hand-edited file stops the console with a
 * message naming the file and the field, rather than being overwritten (a new first call would
 * otherwise replace a T0 that only failed to parse).
 */
export class ValidatedSettings implements SettingsStore {
  readonly location: string;
  private current: ConsoleSettings;

  constructor(private readonly file: KeyValueFile) {
    this.location = file.path;
    const parsed = ConsoleSettingsSchema.safeParse(file.store);
    if (!parsed.success) {
      throw new SettingsError(`settings file ${file.path} is invalid (${describeZodError(parsed.error)}); fix or remove it`);
    }
    this.current = parsed.data;
  }

  get<K extends SettingKey>(key: K): ConsoleSettings[K] {
    return this.current[key];
  }

  set<K extends SettingKey>(key: K, value: ConsoleSettings[K]): void {
    const parsed = ConsoleSettingsSchema.shape[key].safeParse(value);
    if (!parsed.success) throw new SettingsError(`setting ${key} refused: ${describeZodError(parsed.error)}`);
    this.file.set(key, parsed.data);
    this.current = { ...this.current, [key]: parsed.data };
  }
}

/** Opens a conf-like store, turning its own failures (unparseable JSON, unreadable file) into a message naming the file. */
export function openSettings(path: string, open: () => KeyValueFile): SettingsStore {
  let file: KeyValueFile;
  try {
    file = open();
  } catch (e) {
    throw new SettingsError(`cannot read settings file ${path}: ${(e as Error).message}; fix or remove it`);
  }
  return new ValidatedSettings(file);
}
