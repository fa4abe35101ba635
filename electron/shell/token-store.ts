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
  if (!safeStorage.isEncryptionAvailable()) return fromEnv;
  if (fromEnv) {
    writeFileAtomic(file, safeStorage.encryptString(fromEnv).toString('base64'));
    return fromEnv;
  }
  if (!existsSync(file)) return undefined;
  return safeStorage.decryptString(Buffer.from(readFileSync(file, 'utf8'), 'base64'));
}
