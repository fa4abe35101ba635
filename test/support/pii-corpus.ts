import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findPii, type PiiKind, type PiiSpan } from '../../shared/pii-mask.js';

export interface CorpusLine {
  text: string;
  pii: PiiSpan[];
}

export interface CorpusScore {
  lines: number;
  linesWithoutPii: number;
  items: number;
  /** Labelled items whose every letter and digit the masker covered. */
  caught: number;
  /** Masked spans, and those overlapping no labelled item (a number that had to stay). */
  masked: number;
  falsePositives: number;
  /** Caught items the masker also named right (phone, card, national ID, e-mail). */
  kindRight: number;
  recall: number;
  precision: number;
  missed: { text: string; item: string }[];
  wronglyMasked: { text: string; item: string }[];
}

export function loadCorpus(path = resolve(import.meta.dirname, '../fixtures/pii-corpus.jsonl')): CorpusLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CorpusLine);
}

/**
 * Recall counts an item caught only when nothing of it is left readable: every letter and digit
 * of the labelled span lies inside what the masker masked. Precision counts a masked span wrong
 * when it touches no labelled item.
 */
export function scoreCorpus(lines: readonly CorpusLine[], find: (text: string) => PiiSpan[] = findPii): CorpusScore {
  let items = 0;
  let caught = 0;
  let masked = 0;
  let falsePositives = 0;
  let kindRight = 0;
  const missed: CorpusScore['missed'] = [];
  const wronglyMasked: CorpusScore['wronglyMasked'] = [];
  for (const line of lines) {
    const found = find(line.text);
    masked += found.length;
    for (const f of found) {
      if (!line.pii.some((p) => f.start < p.end && p.start < f.end)) {
        falsePositives += 1;
        wronglyMasked.push({ text: line.text, item: line.text.slice(f.start, f.end) });
      }
    }
    for (const p of line.pii) {
      items += 1;
      const covering = found.filter((f) => f.start < p.end && p.start < f.end);
      const whole = [...line.text.slice(p.start, p.end)].every(
        (ch, k) => !/[a-z0-9]/i.test(ch) || covering.some((f) => f.start <= p.start + k && p.start + k < f.end),
      );
      if (whole) {
        caught += 1;
        if (covering.some((f) => f.kind === p.kind)) kindRight += 1;
      } else {
        missed.push({ text: line.text, item: line.text.slice(p.start, p.end) });
      }
    }
  }
  return {
    lines: lines.length,
    linesWithoutPii: lines.filter((l) => l.pii.length === 0).length,
    items,
    caught,
    masked,
    falsePositives,
    kindRight,
    recall: items === 0 ? 1 : caught / items,
    precision: masked === 0 ? 1 : (masked - falsePositives) / masked,
    missed,
    wronglyMasked,
  };
}

export const KINDS: readonly PiiKind[] = ['phone', 'card', 'national_id', 'email'];
