import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import { KeptCallsStore } from '../../electron/core/sampling/kept-calls-store.js';
import { aesVault, piiProtectionFromEnv, type PiiProtection } from '../../electron/core/sampling/pii-vault.js';
import { SessionStore } from '../../electron/core/sampling/session-store.js';
import { FileRecordLog } from '../../electron/core/storage/file-storage.js';
import { callRecord } from '../support/call-record.js';

const DAY = 86_400_000;
const SAID = 'my card is four one one one one one one one one one one one one one one one and my phone is (415) 555-0132';

function call(i: number, text = SAID): CallRecord {
  return callRecord({ id: `c${i}`, intent: 'billing_question', turns: [{ speaker: 'caller', text, startMs: 0, endMs: 900 }] });
}

let dir: string;
let now: number;
const clock = () => now;
const protection = (key = randomBytes(32), retentionDays = 14): PiiProtection => ({ vault: aesVault(key), retentionMs: retentionDays * DAY });
const fileText = (name: string) => readFileSync(join(dir, name), 'utf8');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pii-at-rest-'));
  now = Date.UTC(2026, 5, 1);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('kept calls at rest', () => {
  it('are written masked with the original sealed, and read back the same', async () => {
    const pii = protection();
    const store = await KeptCallsStore.open({ log: new FileRecordLog(join(dir, 'kept.jsonl')), seed: 1, clock, pii });
    store.offer(call(1));
    store.offer(call(2, 'just checking on my order 12345'));
    await store.close();
    const text = fileText('kept.jsonl');
    expect(text).not.toContain('555-0132');
    expect(text).not.toContain('four one one one');
    expect(text).toContain('[card ••••1111]');

    const reopened = await KeptCallsStore.open({ log: new FileRecordLog(join(dir, 'kept.jsonl')), seed: 1, clock, pii });
    const [masked, plain] = reopened.sampler.pool().sort((a, b) => a.call.id.localeCompare(b.call.id));
    expect(masked?.maskedItems).toBe(2);
    expect(masked?.original && pii.vault.open(masked.original)).toMatchObject({ turns: [{ text: SAID }] });
    expect(plain?.maskedItems).toBe(0);
    expect(plain?.original).toBeUndefined();
  });

  it('rewrites a log written before masking at rest, masked', async () => {
    writeFileSync(join(dir, 'kept.jsonl'), `${JSON.stringify({ t: 'keep', intent: 'billing_question', call: call(1), at: [{ pool: 'intent', index: 0 }], n: 1 })}\n`);
    const store = await KeptCallsStore.open({ log: new FileRecordLog(join(dir, 'kept.jsonl')), seed: 1, clock, pii: protection() });
    await store.close();
    expect(fileText('kept.jsonl')).not.toContain('555-0132');
    expect(store.sampler.pool()[0]?.maskedItems).toBe(2);
  });

  it('forgets originals once their retention has passed, on disk too', async () => {
    const store = await KeptCallsStore.open({ log: new FileRecordLog(join(dir, 'kept.jsonl')), seed: 1, clock, pii: protection(undefined, 2) });
    store.offer(call(1));
    await store.written();
    expect(fileText('kept.jsonl')).toContain('"o":');
    now += 2 * DAY + 1;
    expect(store.dropExpiredOriginals()).toBe(true);
    await store.close();
    expect(fileText('kept.jsonl')).not.toContain('"o":');
    expect(store.sampler.pool()[0]?.original).toBeUndefined();
  });
});

describe('sampling sessions at rest', () => {
  const open = (pii?: PiiProtection) => SessionStore.open({ log: new FileRecordLog(join(dir, 'sessions.jsonl')), clock, pii });
  const input = {
    name: 'Shift 2', createdBy: 'Dana', seed: 7, size: 20, range: { from: 0, to: DAY }, overweightFailures: false,
    callIds: ['c1', 'c2'], allocation: [],
  };

  it('store calls masked, reveal them with the key, and say why not without one', async () => {
    const pii = protection();
    const store = await open(pii);
    const { session } = await store.createSession(input, [call(1), call(2, 'thanks, bye')]);
    await store.close();
    expect(fileText('sessions.jsonl')).not.toContain('555-0132');

    const withKey = await open(pii);
    expect(withKey.maskedItems(session.id)).toEqual({ c1: 2, c2: 0 });
    expect(withKey.get(session.id)?.calls[0]?.turns[0]?.text).toBe('my card is [card ••••1111] and my phone is [phone ••••0132]');
    expect(withKey.original(session.id, 'c1').turns[0]?.text).toBe(SAID);
    expect(withKey.original(session.id, 'c2').turns[0]?.text).toBe('thanks, bye');
    await withKey.close();

    const otherKey = await open(protection());
    expect(() => otherKey.original(session.id, 'c1')).toThrow(/encrypted with another key/);
    await otherKey.close();
    const noKey = await open();
    expect(() => noKey.original(session.id, 'c1')).toThrow(/keeps no unmasked originals/);
  });

  it('delete originals after the retention and say so on reveal', async () => {
    const pii = protection(undefined, 1);
    const store = await open(pii);
    const { session } = await store.createSession(input, [call(1), call(2)]);
    now += DAY + 1;
    expect(await store.dropExpiredOriginals()).toBe(2);
    expect(() => store.original(session.id, 'c1')).toThrow(/deleted when its retention of 1 days passed/);
    await store.close();
    expect(fileText('sessions.jsonl')).not.toMatch(/"iv"/);
  });
});

describe('the personal data key', () => {
  it('is refused inside the data folder, or when it is not 32 bytes', () => {
    const keyFile = join(dir, 'pii.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'));
    expect(() => piiProtectionFromEnv({ LAUNCH_PII_KEY_FILE: keyFile }, join(dir, 'kept-calls.jsonl'))).toThrow(/inside the data folder/);
    expect(() => piiProtectionFromEnv({ LAUNCH_PII_KEY: 'c2hvcnQ=' }, join(dir, 'kept-calls.jsonl'))).toThrow(/32 bytes/);
    expect(() => piiProtectionFromEnv({ LAUNCH_PII_RETENTION_DAYS: '0' }, join(dir, 'kept-calls.jsonl'))).toThrow(/above 0/);
  });

  it('comes from a key file outside the folder or the environment, with the retention in days', () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'pii-key-'));
    try {
      const keyFile = join(keyDir, 'pii.key');
      writeFileSync(keyFile, randomBytes(32).toString('hex'));
      const fromFile = piiProtectionFromEnv({ LAUNCH_PII_KEY_FILE: keyFile, LAUNCH_PII_RETENTION_DAYS: '3' }, join(dir, 'kept-calls.jsonl'));
      expect(fromFile.vault.withoutOriginals).toBeNull();
      expect(fromFile.retentionMs).toBe(3 * DAY);
      const box = fromFile.vault.seal({ a: 1 }, now);
      expect(box && fromFile.vault.open(box)).toEqual({ a: 1 });
      const none = piiProtectionFromEnv({}, join(dir, 'kept-calls.jsonl'));
      expect(none.vault.seal({ a: 1 }, now)).toBeNull();
      expect(none.vault.withoutOriginals).toMatch(/no key is set \(LAUNCH_PII_KEY or LAUNCH_PII_KEY_FILE\)/);
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  it('refuses a sealed original that was altered', () => {
    const vault = aesVault(randomBytes(32));
    const box = vault.seal({ text: 'jane@example.com' }, now);
    if (!box) throw new Error('sealed nothing');
    const data = Buffer.from(box.data, 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    expect(() => vault.open({ ...box, data: data.toString('base64') })).toThrow();
  });
});
