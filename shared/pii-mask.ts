import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { PiiKind } from './pii-kinds.js';

export type { PiiKind } from './pii-kinds.js';

/**
 * Finds and masks personal data in transcript text as speech recognition writes it: digits as
 * numerals or as words ("four one five, five five five, oh one three two", "double oh"),
 * separators or none, fillers ("uh") in the middle, e-mail addresses spoken with "at" and "dot".
 * The core applies it to every call record before the record is stored or sent to the screen,
 * and to exports; the relay applies it before anything leaves for a console.
 *
 * It errs towards masking, and keeps the numbers a call is full of by their length and the words
 * before them:
 * - Any run of 13-19 digits is a card, Luhn check or not (a caller or the recogniser drops or
 *   changes a digit; a card one digit off is still a card).
 * - 10-12 digits, or any number spoken with "+", "plus" or "00", are a phone number; libphonenumber
 *   decides how far an international number reaches.
 * - 9 digits are a national ID (US SSN, Canadian SIN), or a phone after "phone", "call" and the like;
 *   5-4 digits with a dash are a ZIP+4 code.
 * - 7-8 digits are a phone only after a word such as "phone", "number" or "call", or written as a
 *   US local number (555-0132).
 * - A number after "order", "reference", "confirmation", "tracking", "invoice", "ticket", "case",
 *   "claim", "serial", "part", "sku" (and the like) is left alone, whatever its length, and so is a
 *   number glued to letters (NW-482910, ORD-555-1234). Shorter numbers (prices, times, dates,
 *   counts, years) always stay.
 * - UK National Insurance numbers: two letters, six digits and a letter A-D, written or spoken.
 * Names and street addresses are not looked for.
 */

export interface PiiSpan {
  start: number;
  end: number;
  kind: PiiKind;
}

export interface MaskResult {
  text: string;
  /** How many items were masked. */
  found: number;
}

interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
}

const TOKEN = /[A-Za-z0-9]+(?:'[A-Za-z]+)?|[+@#]/g;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    out.push({ text: m[0], lower: m[0].toLowerCase(), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const DIGIT_WORDS: Record<string, string> = {
  zero: '0', oh: '0', o: '0', nought: '0',
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};
const REPEAT_WORDS: Record<string, number> = { double: 2, triple: 3 };
const FILLERS = new Set(['uh', 'um', 'er', 'erm', 'ah', 'hmm']);

const NEGATIVE_CUES = new Set([
  'order', 'orders', 'reference', 'ref', 'confirmation', 'tracking', 'invoice', 'ticket', 'booking',
  'case', 'claim', 'serial', 'model', 'part', 'sku', 'item', 'flight', 'room', 'code', 'version',
  'zip', 'postcode', 'extension', 'ext', 'pin', 'receipt', 'transaction',
]);
const PHONE_CUES = new Set(['phone', 'mobile', 'cell', 'call', 'reach', 'ring', 'text', 'whatsapp', 'line', 'landline', 'telephone', 'fax']);
const ID_CUES = new Set(['social', 'security', 'ssn', 'sin', 'insurance', 'ni', 'national']);
const CARD_CUES = new Set(['card', 'visa', 'mastercard', 'amex', 'debit', 'credit', 'discover']);
const WEAK_CUES = new Set(['number', 'no', 'num', "number's"]);

type Cue = 'negative' | 'phone' | 'id' | 'card' | 'weak' | null;

/**
 * Every kind above needs a numeral, an "@", or a token that is a digit word or "at"; most turns of
 * a call have none of them, and skip the tokenizing. Bounded by letters and digits as tokens are,
 * so it can match more than the tokens hold (a slower pass), never less.
 */
const MAY_HOLD_PII = /[0-9@]|(?<![A-Za-z0-9])(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|at)(?![A-Za-z0-9])/i;

/** Every item of personal data in `text`, in order, without overlaps. */
export function findPii(text: string): PiiSpan[] {
  if (!MAY_HOLD_PII.test(text)) return [];
  const tokens = tokenize(text);
  const taken = new Array<boolean>(tokens.length).fill(false);
  const spans: PiiSpan[] = [];
  const claim = (from: number, to: number, kind: PiiKind, start?: number, end?: number): void => {
    for (let i = from; i <= to; i++) taken[i] = true;
    spans.push({ start: start ?? (tokens[from] as Token).start, end: end ?? (tokens[to] as Token).end, kind });
  };
  for (const m of text.matchAll(WRITTEN_EMAIL)) {
    const start = m.index;
    const end = start + m[0].length;
    const covered = tokens.flatMap((t, i) => (t.start >= start && t.end <= end ? [i] : []));
    covered.forEach((i) => (taken[i] = true));
    spans.push({ start, end, kind: 'email' });
  }
  findSpokenEmails(text, tokens, taken, claim);
  findNiNumbers(text, tokens, taken, claim);
  for (const run of digitRuns(text, tokens, taken)) {
    const found = classify(run, tokens, text);
    if (found) claim(run.from, run.to, found.kind, found.start ?? run.start, found.end ?? run.end);
  }
  return spans.sort((a, b) => a.start - b.start);
}

export function maskPii(text: string): MaskResult {
  const spans = findPii(text);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + maskFor(s, text.slice(s.start, s.end));
    at = s.end;
  }
  return { text: out + text.slice(at), found: spans.length };
}

function maskFor(span: PiiSpan, original: string): string {
  if (span.kind === 'email') return '[email]';
  if (span.kind === 'national_id') return '[national id]';
  const last = digitsOf(original).slice(-4);
  return span.kind === 'card' ? `[card ••••${last}]` : `[phone ••••${last}]`;
}

/** The digits a stretch of transcript says, numerals and words alike. */
function digitsOf(text: string): string {
  let out = '';
  let repeat = 1;
  for (const t of tokenize(text)) {
    if (t.lower in REPEAT_WORDS) {
      repeat = REPEAT_WORDS[t.lower] as number;
      continue;
    }
    const d = /^\d+$/.test(t.text) ? t.text : DIGIT_WORDS[t.lower];
    if (d !== undefined) out += d.length === 1 ? d.repeat(repeat) : d[0]?.repeat(repeat - 1) + d;
    repeat = 1;
  }
  return out;
}

const WRITTEN_EMAIL = /[A-Za-z0-9._%+-]+ ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

const TLDS = new Set([
  'com', 'net', 'org', 'edu', 'gov', 'io', 'co', 'uk', 'us', 'ca', 'au', 'de', 'fr', 'es', 'it', 'nl', 'ie', 'in',
  'info', 'biz', 'me', 'ai', 'app', 'dev',
]);
const MAIL_PROVIDERS = new Set(['gmail', 'yahoo', 'hotmail', 'outlook', 'icloud', 'aol', 'protonmail', 'proton', 'live', 'msn']);
const JOINERS = new Set(['dot', 'underscore', 'dash', 'hyphen']);
/** Words that end a spoken address's name part: what is said before an address, not in it. */
const BEFORE_ADDRESS = new Set([
  'is', "it's", 'its', 'it', 'my', 'email', 'mail', 'address', 'me', 'at', 'to', 'the', 'that', "that's", 'was', 'sure',
  'yes', 'yeah', 'ok', 'okay', 'uh', 'um', 'send', 'and', 'or', 'on', 'file', 'account', 'his', 'her', 'our', 'your',
  'also', 'please', 'contact', 'use', 'try', "she's", "he's", "i'm", "we're", "they're", 'i', 'we', 'you', 'be', 'of',
  'for', 'from', 'with', 'by', 'in', 'so', 'just', 'then', 'but', 'now', 'here', 'there', 'home', 'work', 'look',
  'not', 'no', 'least', 'said', 'deal', 'office', 'hospital', 'station',
]);

/** "jane dot doe at example dot com", "j a n e at gmail dot com": the name part reaches back at most six words. */
function findSpokenEmails(text: string, tokens: Token[], taken: boolean[], claim: Claim): void {
  tokens.forEach((t, i) => {
    if (t.lower !== 'at' || taken[i]) return;
    const domainEnd = spokenDomainEnd(text, tokens, i + 1);
    if (domainEnd === null) return;
    let from = i;
    let words = 0;
    for (let j = i - 1; j >= 0 && words < 6; j--) {
      const w = tokens[j] as Token;
      if (taken[j] || !/^[a-z0-9']+$/i.test(w.text) || BEFORE_ADDRESS.has(w.lower) || !plainGap(text, w.end, (tokens[j + 1] as Token).start)) break;
      from = j;
      if (!JOINERS.has(w.lower)) words += 1;
    }
    if (from === i || JOINERS.has((tokens[from] as Token).lower)) return;
    claim(from, domainEnd, 'email');
  });
}

/** The last token of a spoken domain starting at `i` ("example dot co dot uk", "gmail"), or null. */
function spokenDomainEnd(text: string, tokens: Token[], i: number): number | null {
  const first = tokens[i];
  if (!first || !/^[a-z0-9-]+$/i.test(first.text) || first.lower in DIGIT_WORDS) return null;
  let end = i;
  let labels = 1;
  for (;;) {
    const next = tokens[end + 1];
    const label = tokens[end + 2];
    const spokenDot = next?.lower === 'dot' && label !== undefined;
    const writtenDot = next !== undefined && text.slice((tokens[end] as Token).end, next.start) === '.';
    if (spokenDot && label && /^[a-z0-9-]+$/i.test(label.text)) {
      end += 2;
    } else if (writtenDot && next && /^[a-z0-9-]+$/i.test(next.text)) {
      end += 1;
    } else {
      break;
    }
    labels += 1;
  }
  const last = (tokens[end] as Token).lower;
  if (labels >= 2 && TLDS.has(last)) return end;
  return labels === 1 && MAIL_PROVIDERS.has(first.lower) ? end : null;
}

type Claim = (from: number, to: number, kind: PiiKind, start?: number, end?: number) => void;

const NI_COMPACT = /^[a-z]{2}\d{6}[a-d]$/i;
const NOT_NI_PREFIX = new Set(['to', 'at', 'is', 'in', 'on', 'of', 'it', 'my', 'me', 'we', 'be', 'by', 'do', 'go', 'no', 'so', 'up', 'or', 'an', 'as', 'if', 'us', 'he', 'hi', 'ok', 'oh', 'am', 'pm', 'nw']);

/** QQ123456C, "QQ 12 34 56 C", "j g one two three four five six a". */
function findNiNumbers(text: string, tokens: Token[], taken: boolean[], claim: Claim): void {
  for (let i = 0; i < tokens.length; i++) {
    if (taken[i]) continue;
    const t = tokens[i] as Token;
    if (NI_COMPACT.test(t.text)) {
      claim(i, i, 'national_id');
      continue;
    }
    const single = (k: number): boolean => /^[a-z]$/i.test(tokens[k]?.text ?? '') && !taken[k];
    let prefixEnd: number;
    if (/^[a-z]{2}$/i.test(t.text) && !NOT_NI_PREFIX.has(t.lower)) prefixEnd = i;
    else if (single(i) && single(i + 1)) prefixEnd = i + 1;
    else continue;
    const run = digitRunFrom(text, tokens, taken, prefixEnd + 1);
    if (!run || run.digits.length !== 6) continue;
    const suffix = tokens[run.to + 1];
    if (!suffix || !/^[a-d]$/i.test(suffix.text)) continue;
    claim(i, run.to + 1, 'national_id');
    i = run.to + 1;
  }
}

interface DigitRun {
  from: number;
  to: number;
  start: number;
  end: number;
  digits: string;
  /** Digits per written group ("415-555-0132" is 3,3,4); empty when any digit was spoken as a word. */
  groups: number[];
  international: boolean;
  /** Offsets in the text just after each digit, for cutting a run where a phone number ends. */
  digitEnds: number[];
}

const isDigitToken = (t: Token | undefined): boolean =>
  t !== undefined && (/^\d+$/.test(t.text) || t.lower in DIGIT_WORDS || t.lower in REPEAT_WORDS);

/** Separators a run of digits may have between its groups: spaces, dashes, dots, brackets; commas only between spoken digits. */
function joins(text: string, a: Token, b: Token): boolean {
  const gap = text.slice(a.end, b.start);
  const spoken = !/^\d+$/.test(a.text) || !/^\d+$/.test(b.text);
  return spoken ? /^[\s,.\-]{1,3}$/.test(gap) : /^(?: ?[-.]? ?|\) ?| ?\(|\)-)$/.test(gap) && gap !== '';
}

function plainGap(text: string, from: number, to: number): boolean {
  return /^[\s.\-_]{0,3}$/.test(text.slice(from, to));
}

function digitRunFrom(text: string, tokens: Token[], taken: boolean[], i: number): DigitRun | null {
  if (!isDigitToken(tokens[i]) || taken[i]) return null;
  let to = i;
  for (;;) {
    let next = to + 1;
    while (FILLERS.has(tokens[next]?.lower ?? '') && tokens[next + 1] !== undefined) next += 1;
    const a = tokens[to] as Token;
    const b = tokens[next];
    if (!b || taken[next] || !isDigitToken(b)) break;
    const fillerBetween = next > to + 1;
    if (!fillerBetween && !joins(text, a, b)) break;
    if (fillerBetween && !/^[\s,.]+$/.test(text.slice(a.end, (tokens[to + 1] as Token).start))) break;
    to = next;
  }
  // A trailing "double" with nothing after it is a word, not a digit.
  while (to > i && (tokens[to] as Token).lower in REPEAT_WORDS) to -= 1;
  const first = tokens[i] as Token;
  if (first.lower in REPEAT_WORDS && to === i) return null;
  const last = tokens[to] as Token;
  const digitEnds: number[] = [];
  const groups: number[] = [];
  let spoken = false;
  let repeat = 1;
  for (let k = i; k <= to; k++) {
    const t = tokens[k] as Token;
    if (FILLERS.has(t.lower)) continue;
    if (t.lower in REPEAT_WORDS) {
      repeat = REPEAT_WORDS[t.lower] as number;
      spoken = true;
      continue;
    }
    if (/^\d+$/.test(t.text)) {
      groups.push(t.text.length + repeat - 1);
      for (let c = 0; c < repeat - 1; c++) digitEnds.push(t.start + 1);
      for (let c = 1; c <= t.text.length; c++) digitEnds.push(t.start + c);
    } else {
      spoken = true;
      for (let c = 0; c < repeat; c++) digitEnds.push(t.end);
    }
    repeat = 1;
  }
  const prev = tokens[i - 1];
  const plus = prev !== undefined && !taken[i - 1] && (prev.text === '+' || prev.lower === 'plus') && /^\s?$/.test(text.slice(prev.end, first.start));
  const opening = text[first.start - 1] === '(' ? first.start - 1 : null;
  const digits = digitsOf(text.slice(first.start, last.end));
  return {
    from: plus ? i - 1 : i,
    to,
    start: plus ? (prev as Token).start : (opening ?? first.start),
    end: last.end,
    digits,
    groups: spoken ? [] : groups,
    international: plus || digits.startsWith('00'),
    digitEnds,
  };
}

function* digitRuns(text: string, tokens: Token[], taken: boolean[]): Generator<DigitRun> {
  for (let i = 0; i < tokens.length; i++) {
    const run = digitRunFrom(text, tokens, taken, i);
    if (!run) continue;
    yield run;
    i = run.to;
  }
}

/** The nearest telling word within six words before the run, stopping at the end of a sentence or at another number. */
function cueBefore(run: DigitRun, tokens: Token[], text: string): Cue {
  let weak = false;
  for (let j = run.from - 1, seen = 0; j >= 0 && seen < 6; j--, seen++) {
    const t = tokens[j] as Token;
    if (/[!?;:]|\.\s/.test(text.slice(t.end, (tokens[j + 1] as Token).start))) break;
    if (/^\d/.test(t.text)) break;
    if (NEGATIVE_CUES.has(t.lower)) return 'negative';
    if (PHONE_CUES.has(t.lower)) return 'phone';
    if (ID_CUES.has(t.lower)) return 'id';
    if (CARD_CUES.has(t.lower)) return weak ? 'weak' : 'card';
    if (WEAK_CUES.has(t.lower) || t.text === '#') weak = true;
  }
  return weak ? 'weak' : null;
}

/** A number glued to letters, or right after a code with letters and digits: part of an identifier. */
function partOfIdentifier(run: DigitRun, tokens: Token[], text: string): boolean {
  const prev = tokens[run.from - 1];
  const first = tokens[run.from] as Token;
  if (prev && /[a-z]/i.test(prev.text) && !(prev.lower in DIGIT_WORDS) && /^-?$/.test(text.slice(prev.end, first.start))) return true;
  if (prev && /[a-z]/i.test(prev.text) && /\d/.test(prev.text)) return true;
  const next = tokens[run.to + 1];
  return next !== undefined && /^[a-z]/i.test(next.text) && next.start === run.end;
}

function classify(run: DigitRun, tokens: Token[], text: string): { kind: PiiKind; start?: number; end?: number } | null {
  const n = run.digits.length;
  if (n < 7 || partOfIdentifier(run, tokens, text)) return null;
  if (run.international) return internationalPhone(run);
  const cue = cueBefore(run, tokens, text);
  if (cue === 'negative') return null;
  if (n >= 13) return n <= 19 ? { kind: 'card' } : null;
  if (n >= 10) return { kind: 'phone' };
  if (n === 9) {
    if (run.groups.length === 2 && run.groups[0] === 5) return null;
    return { kind: cue === 'phone' ? 'phone' : 'national_id' };
  }
  const usLocal = n === 7 && /^[2-9]\d{2}-\d{4}$/.test(text.slice(run.start, run.end));
  return usLocal || cue === 'phone' || cue === 'weak' ? { kind: 'phone' } : null;
}

/** An international number ends where libphonenumber says the longest valid number ends. */
function internationalPhone(run: DigitRun): { kind: PiiKind; end?: number } | null {
  const digits = run.digits.startsWith('00') ? run.digits.slice(2) : run.digits;
  const skipped = run.digits.length - digits.length;
  for (let len = Math.min(digits.length, 15); len >= 7; len--) {
    const parsed = parsePhoneNumberFromString(`+${digits.slice(0, len)}`);
    if (parsed?.isValid()) return { kind: 'phone', end: run.digitEnds[skipped + len - 1] };
  }
  return digits.length >= 7 && digits.length <= 15 ? { kind: 'phone' } : null;
}
