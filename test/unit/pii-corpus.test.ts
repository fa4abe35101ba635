import { describe, expect, it } from 'vitest';
import { loadCorpus, scoreCorpus } from '../support/pii-corpus.js';

/**
 * The labelled transcript corpus (test/fixtures/pii-corpus.jsonl): lines as speech recognition
 * writes them, each with the exact spans of the personal data in it. `npm run bench` prints the
 * same figures.
 */
describe('personal data masking on the labelled corpus', () => {
  const corpus = loadCorpus();

  it('is large enough and mostly numbers that must stay', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(corpus.filter((l) => l.pii.length === 0).length / corpus.length).toBeGreaterThanOrEqual(0.4);
    for (const line of corpus) for (const p of line.pii) expect(line.text.slice(p.start, p.end).trim()).not.toBe('');
  });

  it('catches at least 98% of the items and masks nothing else 95% of the time', () => {
    const score = scoreCorpus(corpus);
    const report = { missed: score.missed, wronglyMasked: score.wronglyMasked };
    expect(score.recall, JSON.stringify(report, null, 1)).toBeGreaterThanOrEqual(0.98);
    expect(score.precision, JSON.stringify(report, null, 1)).toBeGreaterThanOrEqual(0.95);
  });
});
