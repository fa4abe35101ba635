import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AppendFile } from './append-file.js';

/**
 * Raw webhook payloads as the platforms sent them, kept for replay and audit: one file per UTC
 * day, one line per accepted delivery, each sealed with AES-256-GCM under a key that lives
 * outside the data folder. Files older than the retention go. Refused deliveries never get here.
 */

export interface RawDelivery {
  platform: string;
  receivedAt: number;
  contentType: string;
  body: string;
}

interface SealedLine {
  at: number;
  platform: string;
  iv: string;
  tag: string;
  data: string;
}

const DAY_MS = 86_400_000;
const FILE = /^raw-(\d{4}-\d{2}-\d{2})\.jsonl$/;

export class RawStore {
  private file: AppendFile | null = null;
  private day = '';
  // GCM needs an IV never reused under one key: a random prefix per run and a counter.
  private ivPrefix = randomBytes(8);
  private ivCounter = 0;

  constructor(
    private readonly dir: string,
    private readonly key: Buffer,
    private readonly retentionDays: number,
  ) {
    if (key.length !== 32) throw new Error('payloadKey: must be 32 bytes (AES-256), given as 64 hex digits or 44 base64 characters');
    mkdirSync(dir, { recursive: true });
  }

  get failed(): Error | null {
    return this.file?.failed ?? null;
  }

  /** Seals and appends the delivery; resolves once it is on disk. */
  append(delivery: RawDelivery): Promise<void> {
    const day = new Date(delivery.receivedAt).toISOString().slice(0, 10);
    if (day !== this.day || !this.file) {
      void this.file?.close();
      this.file = AppendFile.open(join(this.dir, `raw-${day}.jsonl`)).file;
      this.day = day;
      this.prune(delivery.receivedAt);
    }
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${delivery.platform}|${delivery.receivedAt}`));
    // A header value holds no newline, so the first one ends the content type.
    const data = Buffer.concat([cipher.update(`${delivery.contentType}\n${delivery.body}`, 'utf8'), cipher.final()]);
    const line: SealedLine = {
      at: delivery.receivedAt,
      platform: delivery.platform,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    return this.file.append(JSON.stringify(line)).durable;
  }

  private nextIv(): Buffer {
    if (this.ivCounter === 0xffffffff) {
      this.ivPrefix = randomBytes(8);
      this.ivCounter = 0;
    }
    this.ivCounter += 1;
    const iv = Buffer.allocUnsafe(12);
    this.ivPrefix.copy(iv, 0);
    iv.writeUInt32BE(this.ivCounter, 8);
    return iv;
  }

  /** Deletes day files past the retention; the current day's file is never among them. */
  prune(now: number): string[] {
    const cutoff = new Date(now - this.retentionDays * DAY_MS).toISOString().slice(0, 10);
    const removed: string[] = [];
    for (const name of readdirSync(this.dir)) {
      const day = FILE.exec(name)?.[1];
      if (day !== undefined && day < cutoff) {
        unlinkSync(join(this.dir, name));
        removed.push(name);
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    await this.file?.close();
  }
}

/** Opens a day file with the key: every delivery, or an error naming the line that does not open. */
export function readRawFile(path: string, key: Buffer): RawDelivery[] {
  const out: RawDelivery[] = [];
  for (const [i, text] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (!text) continue;
    const line = JSON.parse(text) as SealedLine;
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(line.iv, 'base64'));
    decipher.setAAD(Buffer.from(`${line.platform}|${line.at}`));
    decipher.setAuthTag(Buffer.from(line.tag, 'base64'));
    let plain: string;
    try {
      plain = Buffer.concat([decipher.update(Buffer.from(line.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`${path}:${i + 1}: does not open with this key (wrong key, or the line was altered)`);
    }
    const cut = plain.indexOf('\n');
    out.push({ platform: line.platform, receivedAt: line.at, contentType: plain.slice(0, cut), body: plain.slice(cut + 1) });
  }
  return out;
}

/** A 32-byte key from 64 hex digits or base64 text. */
export function parseKey(text: string, source: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error(`${source}: must hold a 32-byte key as 64 hex digits or base64 (e.g. openssl rand -hex 32)`);
  return key;
}
