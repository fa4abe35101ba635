import { slug } from '../lib/slug.js';
import type { ExportFile } from '../../../shared/bridge.js';
import type { Annotation, StoredSession } from '../../../shared/sampling.js';
import { annotationsCsv, annotationsJson, regressionCasesJson } from './export.js';

export type ExportKind = 'annotations-csv' | 'annotations-json' | 'regression-cases';

const KINDS: Record<ExportKind, { suffix: string; mimeType: string; render: typeof annotationsCsv }> = {
  'annotations-csv': { suffix: 'annotations.csv', mimeType: 'text/csv; charset=utf-8', render: annotationsCsv },
  'annotations-json': { suffix: 'annotations.json', mimeType: 'application/json', render: annotationsJson },
  'regression-cases': { suffix: 'regression-cases.json', mimeType: 'application/json', render: regressionCasesJson },
};

/** A session's export as a file to save, named after the session so several sit side by side. */
export function sessionExport(kind: ExportKind, stored: StoredSession, annotations: readonly Annotation[], unmasked: boolean): ExportFile {
  const { suffix, mimeType, render } = KINDS[kind];
  const day = stored.session.createdAt.slice(0, 10);
  const fileName = `${slug(stored.session.name, 'sampling-session', 60)}-${day}${unmasked ? '-UNMASKED' : ''}-${suffix}`;
  return { fileName, mimeType, content: render(stored, annotations, { unmasked }) };
}
