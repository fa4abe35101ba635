import { REVIEW_PLAN } from './cadence/schedule.js';
import { resolveLaunchOptions } from './launch-options.js';
import { runReportCli } from './report/cli.js';

/** `npm run report -- --from ... --to ... --out report.html [--config launch.json] [--data-dir folder]`. */
process.exitCode = await runReportCli(process.argv.slice(2), {
  now: Date.now,
  reviewPlan: REVIEW_PLAN,
  loadConfig: (path) => resolveLaunchOptions(path ? ['--config', path] : [], {}).config,
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
