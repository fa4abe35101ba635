import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { didYouMean } from '../../../shared/did-you-mean.js';
import { ConfigError } from '../../../shared/config.js';
import { slug } from '../lib/slug.js';
import { fileStorage } from '../storage/file-storage.js';
import { buildLaunchReport } from './build-report.js';
import type { ReviewPlanEntry } from './report-model.js';

export const REPORT_USAGE = 'usage: npm run report -- --out <file.html> [--from <ISO time>] [--to <ISO time>] [--config <launch.json>] [--data-dir <folder>]';

const OPTIONS = { from: 'string', to: 'string', out: 'string', config: 'string', 'data-dir': 'string' } as const;

export interface ReportCliDeps {
  now: () => number;
  reviewPlan: readonly ReviewPlanEntry[];
  /** Reads the launch configuration (the defaults when no path is given); throws ConfigError naming the field. */
  loadConfig: (path: string | undefined) => { launchName: string; intents: readonly string[] };
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
}

class UsageError extends Error {}

function time(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(ms)) {
    throw new UsageError(`--${flag} must be an ISO 8601 time such as 2026-05-04T08:00:00Z, got "${text}"`);
  }
  return ms;
}

/** Writes the launch report of a data folder to a file; 0 on success, 2 on a usage error, 1 when the records cannot be read. */
export async function runReportCli(argv: string[], deps: ReportCliDeps): Promise<number> {
  let values: Partial<Record<keyof typeof OPTIONS, string>>;
  try {
    try {
      ({ values } = parseArgs({ args: argv, options: Object.fromEntries(Object.entries(OPTIONS).map(([k, type]) => [k, { type }])), strict: true, allowPositionals: false }) as {
        values: Partial<Record<keyof typeof OPTIONS, string>>;
      });
    } catch (e) {
      const message = (e as Error).message.split('\n')[0] ?? '';
      const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
      const flags = Object.keys(OPTIONS).map((k) => `--${k}`);
      if (unknown) throw new UsageError(`unknown option ${unknown}${didYouMean(unknown, flags)}`);
      const named = /^Option '(--[a-z-]+)/.exec(message)?.[1];
      throw new UsageError(named ? `option ${named} needs a value` : message);
    }
    if (!values.out) throw new UsageError('--out is required: the file the HTML report is written to');
    const from = time('from', values.from);
    const to = time('to', values.to);
    const config = deps.loadConfig(values.config);
    // The web host's default folder for the launch, so a report runs beside `npm run web` with no flag.
    const dataDir = values['data-dir'] ? resolve(deps.cwd, values['data-dir']) : join(deps.cwd, '.launch-data', slug(config.launchName, 'launch'));
    if (!existsSync(dataDir)) throw new UsageError(`no data folder at ${dataDir}: name the launch's folder with --data-dir`);
    const file = await buildLaunchReport(fileStorage(dataDir), {
      launchName: config.launchName,
      intents: config.intents,
      reviewPlan: deps.reviewPlan,
      from,
      to,
      now: deps.now(),
    });
    const out = resolve(deps.cwd, values.out);
    writeFileSync(out, file.content);
    deps.out(`Launch report for ${new Date(file.from).toISOString()} to ${new Date(file.to).toISOString()} written to ${out} (${Math.round(file.content.length / 1024)} KB)\n`);
    return 0;
  } catch (e) {
    const usage = e instanceof UsageError || e instanceof ConfigError;
    deps.err(`report: ${(e as Error).message}\n${usage ? `${REPORT_USAGE}\n` : ''}`);
    return usage ? 2 : 1;
  }
}
