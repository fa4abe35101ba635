import { safeStorage } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoutingTokenStatus } from '../../shared/bridge.js';
import type { LaunchConfig } from '../../shared/config.js';
import type { RoutingProvider } from '../core/routing/provider.js';
import { routingProviderFor } from '../core/routing/providers/from-config.js';
import { writeFileAtomic } from '../core/storage/atomic-file.js';

export const TOKEN_FILE_NAME = 'routing-token.bin';

/**
 * The routing provider's token in the desktop app: entered in the console (or given once through
 * the environment), kept encrypted by the OS keychain (safeStorage) in the data directory, and
 * read only in the main process. The page learns whether there is one, never the token.
 */
export interface RoutingTokenStore {
  current(): string | undefined;
  status(): RoutingTokenStatus;
  store(token: string): RoutingTokenStatus;
}

export function openRoutingTokenStore(dataDir: string, fromEnv: string | undefined): RoutingTokenStore {
  const file = join(dataDir, TOKEN_FILE_NAME);
  // Linux without a keyring falls back to a key built into Chromium: that is not secrecy, so
  // the token is then kept only in memory and never written down.
  const keychain =
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  const persist = (token: string) => writeFileAtomic(file, safeStorage.encryptString(token).toString('base64'));

  let token: string | undefined;
  if (fromEnv) {
    token = fromEnv;
    if (keychain) persist(fromEnv);
  } else if (keychain && existsSync(file)) {
    try {
      token = safeStorage.decryptString(Buffer.from(readFileSync(file, 'utf8'), 'base64'));
    } catch (e) {
      throw new Error(
        `cannot decrypt the stored routing token ${file} (${(e as Error).message}); enter the token again in the console, or start once with it in the environment`,
      );
    }
  }

  const status = (): RoutingTokenStatus => ({
    present: token !== undefined,
    keptEncrypted: keychain && token !== undefined,
    canEnter: true,
    note: keychain
      ? token === undefined
        ? 'No routing token yet: enter it here; it is kept encrypted with the system keychain.'
        : 'Kept encrypted with the system keychain.'
      : 'This system has no keychain to encrypt it: a token entered here is kept only until the app closes.',
  });
  return {
    current: () => token,
    status,
    store(next) {
      if (keychain) persist(next);
      token = next;
      return status();
    },
  };
}

/**
 * The provider `routing.kind` names, always with the token the operator gave last. It is made
 * again only when the token changes, since a platform adapter remembers the actions it retries.
 */
export function providerWithStoredToken(config: LaunchConfig, tokens: RoutingTokenStore, splitterToken?: string): RoutingProvider {
  let made: { token: string; provider: RoutingProvider } | null = null;
  const provider = (): RoutingProvider => {
    const token = tokens.current() ?? '';
    if (made?.token !== token) made = { token, provider: routingProviderFor(config.routing, { token, ...(splitterToken ? { splitterToken } : {}) }, config.intents) };
    return made.provider;
  };
  return {
    get capabilities() {
      return provider().capabilities;
    },
    getState: (signal) => provider().getState(signal),
    applyAction: (req, key, signal) => provider().applyAction(req, key, signal),
    manualSteps: (action) => provider().manualSteps?.(action) ?? [],
    recordingSource: (call, signal) => provider().recordingSource?.(call, signal) ?? Promise.resolve(null),
  };
}
