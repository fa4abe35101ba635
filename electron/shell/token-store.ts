import { safeStorage } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/storage/atomic-file.js';

/**
 * The routing provider's token in the desktop app: given once through the environment, then
 * kept encrypted by the OS keychain (safeStorage) in the app's data directory, and read only in
 * the main process.
 */
export function routingToken(dataDir: string, fromEnv: string | undefined): string | undefined {
  const file = join(dataDir, 'routing-token.bin');
  // Linux without a keyring falls back to a key built into Chromium: that is not secrecy, so
  // the token is then taken from the environment at each start and never written down.
  const keychain =
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  if (!keychain) return fromEnv;
  if (fromEnv) {
    writeFileAtomic(file, safeStorage.encryptString(fromEnv).toString('base64'));
    return fromEnv;
  }
  if (!existsSync(file)) return undefined;
  try {
    return safeStorage.decryptString(Buffer.from(readFileSync(file, 'utf8'), 'base64'));
  } catch (e) {
    throw new Error(
      `cannot decrypt the stored routing token ${file} (${(e as Error).message}); start once with the token in the environment to store it again`,
    );
  }
}
