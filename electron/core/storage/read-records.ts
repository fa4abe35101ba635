import type { RecordLog } from './ports.js';

export interface LoadProblem {
  /** The line (files) or row (database) that was skipped. */
  line: number;
  reason: string;
}

export interface LoadedRecords<T> {
  records: T[];
  /** Records that did not parse: a line torn by a crash, or damage. The rest loads. */
  problems: LoadProblem[];
}

/** Every record of a log that `parse` accepts, in order, with the ones it refused reported. */
export async function readRecords<T>(log: RecordLog, parse: (value: unknown) => T): Promise<LoadedRecords<T>> {
  const records: T[] = [];
  const problems: LoadProblem[] = [];
  await log.scan((stored) => {
    if ('damage' in stored) {
      problems.push({ line: stored.position, reason: stored.damage });
      return;
    }
    try {
      records.push(parse(stored.value));
    } catch (e) {
      problems.push({ line: stored.position, reason: (e as Error).message });
    }
  });
  return { records, problems };
}
