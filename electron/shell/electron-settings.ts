import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { openSettings, SETTINGS_FILE_NAME, type SettingsStore } from '../core/storage/settings-store.js';

/** The desktop app's settings: electron-store, in the same data directory as the records. */
export function electronSettings(dataDir: string): SettingsStore {
  return openSettings(
    join(dataDir, `${SETTINGS_FILE_NAME}.json`),
    () => new ElectronStore<Record<string, unknown>>({ cwd: dataDir, name: SETTINGS_FILE_NAME }),
  );
}
