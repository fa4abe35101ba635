import type { ExportFile } from '../../../shared/bridge.js';
import type { Handlers } from '../engine/feature.js';
import type { LaunchStorage } from '../storage/ports.js';
import { buildLaunchReport } from './build-report.js';
import type { ReviewPlanEntry } from './report-model.js';

export interface ReportSource {
  storage: LaunchStorage;
  launchName: string;
  intents: readonly string[];
  reviewPlan: readonly ReviewPlanEntry[];
  now: () => number;
}

export type ReportSpan = { from?: string | undefined; to?: string | undefined };

/** The report over the span asked for, read from storage as a team member opening the folder would. */
export async function reportFile(source: ReportSource, span: ReportSpan): Promise<ExportFile> {
  const { content, fileName, mimeType } = await buildLaunchReport(source.storage, {
    launchName: source.launchName,
    intents: source.intents,
    reviewPlan: source.reviewPlan,
    from: span.from === undefined ? undefined : Date.parse(span.from),
    to: span.to === undefined ? undefined : Date.parse(span.to),
    now: source.now(),
  });
  return { content, fileName, mimeType };
}

export function reportHandlers(source: ReportSource): Pick<Handlers, 'report:build'> {
  return { 'report:build': (span) => reportFile(source, span) };
}
