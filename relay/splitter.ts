import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { HttpError, readRawBody, requireBearer, sendJson, type Route } from '../protocol-server/http.js';
import { parseForm, verifyTwilio } from './signatures.js';

/**
 * The TwiML splitter: a Twilio number pointed at `POST /twiml/split` sends each new call to the
 * agent or to the human line by the current share. The choice is a hash of the CallSid, so a
 * webhook Twilio retries gets the same answer and the share holds over many calls. It knows no
 * intent: Twilio asks before anyone has spoken. The console sets the share and the pause with
 * `PUT /splitter/share` under the splitter token (one request, absolute values, so sending it
 * twice is sending it once), reads it back with GET, and the relay keeps it on disk across
 * restarts. Until the console sets one, the share is 0: every call goes to people.
 */

export const SPLIT_PATH = '/twiml/split';
export const SHARE_PATH = '/splitter/share';

export interface SplitterOptions {
  /** The relay's public base URL: Twilio signs the exact URL it calls. */
  publicUrl: string;
  twilioAuthToken: string;
  splitterToken: string;
  /** Where an agent call is dialled: an E.164 number or a sip: URI. */
  agent: string;
  human: string;
  /** The share document, written then renamed. */
  file: string;
  now?: () => number;
  log?: (line: string) => void;
}

export interface SplitterShare {
  share: number;
  paused: boolean;
  version: number;
  updatedAt: string | null;
}

const ShareBodySchema = z.strictObject({ share: z.number().min(0).max(100), paused: z.boolean() });
const StoredSchema = z.object({ share: z.number().min(0).max(100), paused: z.boolean(), version: z.number().int().nonnegative(), updatedAt: z.string().nullable() });

/** Whether a call goes to the agent at this share: the CallSid's hash as a point in [0, 100). */
export function splitToAgent(callSid: string, share: number): boolean {
  const point = createHash('sha256').update(callSid).digest().readUInt32BE(0) / 2 ** 32;
  return point * 100 < share;
}

export function dialTwiml(target: string): string {
  const noun = target.startsWith('sip:') ? `<Sip>${escapeXml(target)}</Sip>` : `<Number>${escapeXml(target)}</Number>`;
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial>${noun}</Dial></Response>`;
}

export function splitterRoutes(options: SplitterOptions): Route[] {
  const now = options.now ?? Date.now;
  let current = load(options.file);

  const split: Route = async (req, res, url) => {
    if (url.pathname !== SPLIT_PATH) return false;
    if (req.method !== 'POST') throw new HttpError(405, `method: ${req.method ?? '?'} is not allowed here, use POST`);
    const body = (await readRawBody(req)).toString('utf8');
    const params = parseForm(body);
    const verdict = verifyTwilio(`${options.publicUrl}${url.pathname}${url.search}`, params, header(req.headers['x-twilio-signature']), header(req.headers['x-twilio-webhooks-signature-settings']), options.twilioAuthToken);
    if (!verdict.ok) {
      options.log?.(`relay: refused splitter request ${verdict.status}: ${verdict.reason}`);
      throw new HttpError(verdict.status, verdict.reason);
    }
    const callSid = params.CallSid;
    if (typeof callSid !== 'string' || callSid === '') throw new HttpError(400, 'CallSid: required');
    const twiml = dialTwiml(splitToAgent(callSid, current.share) ? options.agent : options.human);
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(twiml), 'cache-control': 'no-store' });
    res.end(twiml);
    return true;
  };

  const share: Route = async (req, res, url) => {
    if (url.pathname !== SHARE_PATH) return false;
    requireBearer(req, options.splitterToken);
    if (req.method === 'GET') {
      sendJson(res, 200, current);
      return true;
    }
    if (req.method !== 'PUT') throw new HttpError(405, `method: ${req.method ?? '?'} is not allowed here, use GET or PUT`);
    let raw: unknown;
    try {
      raw = JSON.parse((await readRawBody(req, 4096)).toString('utf8'));
    } catch {
      throw new HttpError(400, 'body: not JSON');
    }
    const parsed = ShareBodySchema.safeParse(raw);
    if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    // The same values again change nothing, not even the version: a re-sent request is no second change.
    if (parsed.data.share !== current.share || parsed.data.paused !== current.paused) {
      const next = { ...parsed.data, version: current.version + 1, updatedAt: new Date(now()).toISOString() };
      save(options.file, next);
      current = next;
      options.log?.(`relay: splitter share ${next.share}%${next.paused ? ' (paused)' : ''}, version ${next.version}`);
    }
    sendJson(res, 200, current);
    return true;
  };

  return [split, share];
}

function load(file: string): SplitterShare {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { share: 0, paused: false, version: 0, updatedAt: null };
  }
  const parsed = StoredSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: not a splitter share document; move it aside to start from 0%`);
  return parsed.data;
}

function save(file: string, share: SplitterShare): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(share));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
