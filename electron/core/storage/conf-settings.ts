import Conf from 'conf';
import { join } from 'node:path';
import { openSettings, SETTINGS_FILE_NAME, type SettingsStore } from './settings-store.js';

/** The settings for plain Node (the web host, tests): conf, the library electron-store is built on. */
export function confSettings(dataDir: string): SettingsStore {
  return openSettings(join(dataDir, `${SETTINGS_FILE_NAME}.json`), () => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: SETTINGS_FILE_NAME }));
}
