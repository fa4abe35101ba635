import { maskPii } from '../../shared/pii-mask.js';
import { loadCorpus, scoreCorpus } from '../support/pii-corpus.js';

/** The masker on the labelled corpus: how much it catches, how much it wrongly masks, how fast. */
export async function benchPii(): Promise<Record<string, number>> {
  const corpus = loadCorpus();
  const score = scoreCorpus(corpus);
  const rounds = 50;
  const t = performance.now();
  for (let r = 0; r < rounds; r++) for (const line of corpus) maskPii(line.text);
  const seconds = (performance.now() - t) / 1000;
  return {
    corpusLines: score.lines,
    linesWithoutPii: score.linesWithoutPii,
    items: score.items,
    recall: score.recall,
    precision: score.precision,
    missed: score.missed.length,
    wronglyMasked: score.falsePositives,
    kindRight: score.kindRight / Math.max(1, score.caught),
    linesPerSec: Math.round((rounds * corpus.length) / seconds),
  };
}
