import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CallRecord } from '../shared/protocol.js';
import type { LoggedEvent } from '../protocol-server/event-log.js';
import type { StreamLog } from '../protocol-server/stream-server.js';
import { AppendFile } from './append-file.js';

/**
 * The relay's durable record of what it accepted, in segment files of JSON lines:
 *
 * - `call`: an ended call sent on the stream, with its seq, and the delivery keys and Twilio
 *   call SIDs it consumed (so a repeat is known as one after a restart);
 * - `hold`: a call waiting for more (a Retell call_analyzed, a Vapi or Retell report for a
 *   Twilio callback), with the state it holds so far;
 * - `merge`: a delivery folded into a call already sent.
 *
 * Every record is written with fsync before the webhook is answered. The stream serves a call
 * only once its record is durable, so a seq a console has seen can never be reused after a
 * crash. Call records are already masked: the raw payloads live apart, encrypted.
 */

export type JournalRecord =
  | { k: 'call'; seq: number; key: string; at: number; keys: string[]; sids: string[]; sig?: string; call: CallRecord }
  | { k: 'hold'; at: number; id: string; until: number; keys: string[]; sig?: string; state: unknown }
  | { k: 'merge'; at: number; keys: string[]; into: string; sig?: string };


interface Segment {
  no: number;
  path: string;
  maxSeq: number;
  readFd: number | null;
}

export interface JournalOptions {
  dir: string;
  /** Calls kept for replay. */
  capacity: number;
  segmentBytes?: number;
  /** Called when newly durable calls can be served. */
  onDurable?: () => void;
}

const KEEP_PARSED = 2000;
const READ_BLOCK_BYTES = 4 * 1024 * 1024;
const SEGMENT = /^journal-(\d{8})\.jsonl$/;

export class Journal implements StreamLog {
  private readonly segments: Segment[] = [];
  private file!: AppendFile;
  private assigned = 0;
  private durable = 0;
  // Where each of the newest `capacity` calls lies on disk, by seq % capacity.
  private readonly segOf: Int32Array;
  private readonly offsetOf: Float64Array;
  private readonly lengthOf: Int32Array;
  private readonly parsed: (CallRecord | undefined)[] = new Array<CallRecord | undefined>(KEEP_PARSED);
  private readonly segmentBytes: number;
  /** Lines cut off the end at opening: a write torn by a crash. */
  tornBytes = 0;

  private constructor(private readonly options: JournalOptions) {
    this.segOf = new Int32Array(options.capacity);
    this.offsetOf = new Float64Array(options.capacity);
    this.lengthOf = new Int32Array(options.capacity);
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
  }

  /** Opens the journal and hands every stored record, oldest first, to `replay`. */
  static open(options: JournalOptions, replay: (record: JournalRecord) => void): Journal {
    mkdirSync(options.dir, { recursive: true });
    const journal = new Journal(options);
    const numbers = readdirSync(options.dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    if (numbers.length === 0) numbers.push(1);
    for (const [i, no] of numbers.entries()) {
      const path = journal.segmentPath(no);
      const { file, lines, tornBytes } = AppendFile.open(path);
      const segment: Segment = { no, path, maxSeq: 0, readFd: null };
      journal.segments.push(segment);
      journal.tornBytes += tornBytes;
      for (const line of lines) {
        const record = JSON.parse(line.text) as JournalRecord;
        if (record.k === 'call') {
          journal.index(record.seq, no, line.offset, line.length, record.call);
          segment.maxSeq = record.seq;
          journal.assigned = journal.durable = record.seq;
        }
        replay(record);
      }
      if (i === numbers.length - 1) journal.file = file;
      else void file.close();
    }
    syncDir(options.dir);
    return journal;
  }

  get newestSeq(): number {
    return this.durable;
  }

  get oldestSeq(): number {
    return Math.max(1, this.durable - this.options.capacity + 1);
  }

  get failed(): Error | null {
    return this.file.failed;
  }

  /** Appends a call and returns its seq with a promise of durability. */
  appendCall(record: Omit<Extract<JournalRecord, { k: 'call' }>, 'k' | 'seq'>): { seq: number; durable: Promise<void> } {
    const seq = this.assigned + 1;
    this.assigned = seq;
    const full: JournalRecord = { k: 'call', seq, ...record };
    const segment = this.current();
    const { offset, length, durable } = this.file.append(JSON.stringify(full));
    this.index(seq, segment.no, offset, length, record.call);
    segment.maxSeq = seq;
    return {
      seq,
      durable: durable.then(() => {
        if (seq > this.durable) this.durable = seq;
        this.options.onDurable?.();
      }),
    };
  }

  append(record: Exclude<JournalRecord, { k: 'call' }>): Promise<void> {
    this.current();
    return this.file.append(JSON.stringify(record)).durable;
  }

  *after(after: number): Generator<LoggedEvent> {
    // Calls lie in seq order on disk: a resume reads them in large blocks, not one by one.
    let block: { segment: number; start: number; bytes: Buffer } | null = null;
    for (let seq = Math.max(after + 1, this.oldestSeq); seq <= this.durable; seq += 1) {
      // The parsed ring holds the newest KEEP_PARSED calls; an older slot holds a newer call.
      const cached = seq > this.assigned - KEEP_PARSED ? this.parsed[seq % KEEP_PARSED] : undefined;
      if (cached) {
        yield { name: 'call', payload: { seq, call: cached } };
        continue;
      }
      const slot = seq % this.options.capacity;
      const segment = this.segOf[slot] ?? 0;
      const offset = this.offsetOf[slot] ?? 0;
      const length = this.lengthOf[slot] ?? 0;
      if (!block || block.segment !== segment || offset < block.start || offset + length > block.start + block.bytes.length) {
        block = { segment, start: offset, bytes: this.read(segment, offset, Math.max(length, READ_BLOCK_BYTES)) };
      }
      const text = block.bytes.toString('utf8', offset - block.start, offset - block.start + length);
      yield { name: 'call', payload: { seq, call: (JSON.parse(text) as Extract<JournalRecord, { k: 'call' }>).call } };
    }
  }

  async close(): Promise<void> {
    await this.file.close();
    for (const s of this.segments) if (s.readFd !== null) closeSync(s.readFd);
  }

  private index(seq: number, segment: number, offset: number, length: number, call: CallRecord): void {
    const slot = seq % this.options.capacity;
    this.segOf[slot] = segment;
    this.offsetOf[slot] = offset;
    this.lengthOf[slot] = length;
    this.parsed[seq % KEEP_PARSED] = call;
  }

  private read(segmentNo: number, offset: number, length: number): Buffer {
    const segment = this.segments.find((s) => s.no === segmentNo);
    if (!segment) throw new Error(`journal: segment ${segmentNo} is gone`);
    segment.readFd ??= openSync(segment.path, 'r');
    const buf = Buffer.allocUnsafe(length);
    const got = readSync(segment.readFd, buf, 0, length, offset);
    return buf.subarray(0, got);
  }

  /** The segment appends go to, rolling to a new one past the size limit. */
  private current(): Segment {
    const last = this.segments.at(-1) as Segment;
    if (this.file.size < this.segmentBytes) return last;
    const old = this.file;
    void old.close();
    const next: Segment = { no: last.no + 1, path: this.segmentPath(last.no + 1), maxSeq: last.maxSeq, readFd: null };
    this.file = AppendFile.open(next.path).file;
    syncDir(this.options.dir);
    this.segments.push(next);
    this.dropOldSegments();
    return next;
  }

  /**
   * Segments whose calls are all older than the replay buffer go, keeping the newest three:
   * a hold is resolved within an hour, long before three segments fill.
   */
  private dropOldSegments(): void {
    const oldestKept = this.assigned - this.options.capacity + 1;
    while (this.segments.length > 3 && (this.segments[0] as Segment).maxSeq < oldestKept) {
      const gone = this.segments.shift() as Segment;
      if (gone.readFd !== null) closeSync(gone.readFd);
      unlinkSync(gone.path);
    }
  }

  private segmentPath(no: number): string {
    return join(this.options.dir, `journal-${String(no).padStart(8, '0')}.jsonl`);
  }
}

/** A new file's name is durable only once its directory is synced. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
