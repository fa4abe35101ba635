import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The unmasked originals of kept and sampled calls, encrypted (AES-256-GCM) with a key that never
 * lives in the data folder, so a copy of the folder (a backup, a laptop left open, a support
 * bundle) holds masked text only. On a server the key comes from the environment or a key file;
 * the desktop app's keychain can hand over a key through the same interface later. Without a key
 * no original is kept, and reveal says so.
 */

export const SealedSchema = z.object({
  /** Which key sealed it (a fingerprint, not the key): a box from another key is refused by name. */
  kid: z.string().min(1),
  /** When it was sealed (wall clock, epoch ms): the retention runs from here. */
  at: z.number().int().nonnegative(),
  iv: z.string().min(1),
  tag: z.string().min(1),
  data: z.string(),
});
export type Sealed = z.infer<typeof SealedSchema>;

export interface PiiVault {
  /** Null when this console keeps no originals. */
  seal(value: unknown, now: number): Sealed | null;
  /** Throws when the box was sealed with another key or was altered. */
  open(box: Sealed): unknown;
  /** Why originals are not kept, in words for the reviewer; null when they are. */
  readonly withoutOriginals: string | null;
}

export const PII_KEY_ENV = 'LAUNCH_PII_KEY';
export const PII_KEY_FILE_ENV = 'LAUNCH_PII_KEY_FILE';
export const PII_RETENTION_ENV = 'LAUNCH_PII_RETENTION_DAYS';
export const DEFAULT_RETENTION_DAYS = 14;
const DAY_MS = 86_400_000;

export function keepNoOriginals(why: string): PiiVault {
  return {
    seal: () => null,
    open: () => {
      throw new Error(why);
    },
    withoutOriginals: why,
  };
}

export function aesVault(key: Buffer): PiiVault {
  if (key.length !== 32) throw new Error(`the personal data key must be 32 bytes (AES-256), got ${key.length}`);
  const kid = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return {
    seal(value, now) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return { kid, at: now, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    },
    open(box) {
      if (box.kid !== kid) throw new Error(`the original was encrypted with another key (${box.kid}); this console has key ${kid}`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
      const text = Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]).toString('utf8');
      return JSON.parse(text) as unknown;
    },
    withoutOriginals: null,
  };
}

/** A key written as 64 hex digits or as base64 of 32 bytes. */
function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error(`${where}: the personal data key must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)`);
  return key;
}

function inside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface PiiProtection {
  vault: PiiVault;
  /** How long an original is kept after it was sealed. */
  retentionMs: number;
}

/**
 * The key and retention from the environment: LAUNCH_PII_KEY (the key itself) or
 * LAUNCH_PII_KEY_FILE (a file holding it, refused inside the data folder), and
 * LAUNCH_PII_RETENTION_DAYS. `recordsAt` is where a record log of the launch is kept.
 */
export function piiProtectionFromEnv(env: NodeJS.ProcessEnv, recordsAt: string): PiiProtection {
  const daysText = env[PII_RETENTION_ENV];
  const days = daysText === undefined || daysText === '' ? DEFAULT_RETENTION_DAYS : Number(daysText);
  if (!Number.isFinite(days) || days <= 0) throw new Error(`${PII_RETENTION_ENV} must be a number of days above 0, got "${daysText}"`);
  const retentionMs = days * DAY_MS;
  const file = env[PII_KEY_FILE_ENV];
  const inline = env[PII_KEY_ENV];
  if (file) {
    const dataFolder = dirname(recordsAt);
    if (isAbsolute(recordsAt) && inside(dataFolder, file)) {
      throw new Error(`${PII_KEY_FILE_ENV}: the key file ${file} is inside the data folder ${dataFolder}; keep it elsewhere, or anyone with a copy of the folder can read the originals`);
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`${PII_KEY_FILE_ENV}: cannot read ${file}: ${(e as Error).message}`);
    }
    return { vault: aesVault(parseKey(text, PII_KEY_FILE_ENV)), retentionMs };
  }
  if (inline) return { vault: aesVault(parseKey(inline, PII_KEY_ENV)), retentionMs };
  return {
    vault: keepNoOriginals(`this console keeps no unmasked originals: no key is set (${PII_KEY_ENV} or ${PII_KEY_FILE_ENV})`),
    retentionMs,
  };
}
