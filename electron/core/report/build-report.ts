import type { ExportFile } from '../../../shared/bridge.js';
import { slug } from '../lib/slug.js';
import type { LaunchStorage } from '../storage/ports.js';
import { readLaunchRecords } from './launch-records.js';
import { renderReportHtml } from './report-html.js';
import { buildReport, type ReviewPlanEntry } from './report-model.js';

export interface ReportRequest {
  launchName: string;
  intents: readonly string[];
  reviewPlan: readonly ReviewPlanEntry[];
  /** Epoch ms; T0 (or the first audit entry) when left out. */
  from?: number;
  /** Epoch ms; the moment the report is made when left out. */
  to?: number;
  now: number;
}

export class ReportSpanError extends Error {}

/** Reads every record of the launch from storage and renders the report over the span asked for. */
export async function buildLaunchReport(storage: LaunchStorage, request: ReportRequest): Promise<ExportFile & { from: number; to: number }> {
  const records = await readLaunchRecords(storage, request.intents);
  const t0 = records.t0 ? Date.parse(records.t0) : null;
  const firstEntry = records.audit.first ? Date.parse(records.audit.first.ts) : null;
  // A launch with nothing recorded yet still gets its report, over the last hour, saying so.
  const from = request.from ?? Math.min(t0 ?? firstEntry ?? request.now - 3_600_000, request.now - 60_000);
  const to = request.to ?? request.now;
  if (!(to > from)) {
    throw new ReportSpanError(`the span must end after it starts: from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`);
  }
  const report = buildReport(records, { launchName: request.launchName, from, to, now: request.now, reviewPlan: request.reviewPlan });
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(':', '');
  return {
    fileName: `launch-report-${slug(request.launchName, 'launch')}-${day(from)}-to-${day(to)}.html`,
    mimeType: 'text/html',
    content: renderReportHtml(report),
    from,
    to,
  };
}
