import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REVIEW_PLAN } from '../../electron/core/cadence/schedule.js';
import { KpiHistory } from '../../electron/core/metrics/kpi-history.js';
import { parseHistoryRecord } from '../../electron/core/metrics/kpi-history-store.js';
import { buildLaunchReport } from '../../electron/core/report/build-report.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import { readRecords } from '../../electron/core/storage/read-records.js';
import { formatDuration, formatKpiValue } from '../../shared/format.js';
import { KPIS } from '../../shared/kpi.js';
import { formatUtc } from '../../shared/time-format.js';
import { HOUR, INTENTS, LATENCY_FAULT, recordLaunch, STREAM_GAP, T0, TOOL_OUTAGE, type RecordedLaunch } from '../support/recorded-launch.js';

/**
 * The launch report of a recorded two-day launch, opened in Chromium and printed to PDF: each
 * section's figures are checked against the records it was built from, the first hour included
 * although the audit log holds more entries than a console keeps in memory.
 */

test.describe.configure({ timeout: 180_000 });

let dir: string;
let launch: RecordedLaunch;
let reportPath: string;
let history: KpiHistory;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'launch-report-'));
  launch = await recordLaunch(join(dir, 'data'));
  const file = await buildLaunchReport(fileStorage(launch.dataDir), {
    launchName: 'Spring launch',
    intents: INTENTS,
    reviewPlan: REVIEW_PLAN,
    from: T0,
    to: launch.end,
    now: launch.end + 10 * 60_000,
  });
  reportPath = join(dir, file.fileName);
  writeFileSync(reportPath, file.content);
  // The figures to check against, read from the stored history independently of the report.
  history = new KpiHistory({ intents: INTENTS });
  const { records } = await readRecords(fileStorage(launch.dataDir).records('kpi-history'), parseHistoryRecord);
  for (const r of records) history.load(r);
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the report names its span, when it was made, and where its records are incomplete', async ({ page }) => {
  expect(launch.auditEntries).toBeGreaterThan(5000);
  await page.goto(pathToFileURL(reportPath).toString());
  await expect(page.locator('#report-span')).toContainText(`${formatUtc(T0)} to ${formatUtc(launch.end)}`);
  await expect(page.locator('#report-made')).toContainText(formatUtc(launch.end + 10 * 60_000));
  const gapHour = new Date(STREAM_GAP.from).toISOString().slice(0, 13).replace('T', ' ');
  await expect(page.locator('#incomplete')).toContainText(`Stream gaps touched 10 minute(s)`);
  await expect(page.locator('#incomplete')).toContainText(gapHour);
  await expect(page.locator('#records')).toContainText(`${launch.auditEntries.toLocaleString('en')} entries in all`);
  await expect(page.locator('#records')).toContainText('chain intact');
});

test('the summary and the hour-by-hour figures are the KPI history at those minutes', async ({ page }) => {
  await page.goto(pathToFileURL(reportPath).toString());
  const overall = history.figures(T0, launch.end);
  await expect(page.locator('#summary')).toContainText(`${overall.stats.allCalls.toLocaleString('en')} calls`);
  const p95Row = page.locator('#targets tr', { hasText: 'P95 turn latency' });
  await expect(p95Row).toContainText(formatKpiValue(KPIS.turnLatencyP95, overall.stats.kpis.turnLatencyP95));
  await expect(page.locator('#launch-decision')).toContainText('GO, taken by Cleo Park');
  for (const hourStart of [T0, LATENCY_FAULT.from, TOOL_OUTAGE.from, T0 + 47 * HOUR]) {
    const f = history.figures(hourStart, hourStart + HOUR);
    const row = page.locator('#hours-table tr', { hasText: formatUtc(hourStart) });
    await expect(row).toContainText(f.stats.allCalls.toLocaleString('en'));
    await expect(row).toContainText(formatKpiValue(KPIS.turnLatencyP95, f.stats.kpis.turnLatencyP95));
    await expect(row).toContainText(formatKpiValue(KPIS.taskCompletion, f.stats.kpis.taskCompletion));
  }
  // The latency fault's hour is the worst for P95 and is out of target.
  await expect(p95Row).toContainText(`at ${formatUtc(LATENCY_FAULT.from)}`);
  await expect(page.locator('#kpis svg.chart')).toHaveCount(1 + 4 + 2 * 4);
  await expect(page.locator('#kpis')).toContainText('Intent billing');
});

test('every routing action with who, why, time to verified and time to recovery; alerts with their acknowledgements', async ({ page }) => {
  await page.goto(pathToFileURL(reportPath).toString());
  const rows = page.locator('#actions-table tbody tr');
  await expect(rows).toHaveCount(launch.actions.length);
  for (const [i, a] of launch.actions.entries()) {
    const row = rows.nth(i);
    await expect(row).toContainText(String(a.seq));
    await expect(row).toContainText(a.operator);
    await expect(row).toContainText(formatDuration(a.elapsedMs));
    await expect(row).toContainText(formatUtc(a.at));
  }
  // The fallback during the latency fault: P95 comes back once the fault ends at +40 min.
  await expect(rows.nth(0)).toContainText(/P95 turn latency: \d+ min/);
  const alerts = page.locator('#alert-episodes tbody tr');
  await expect(alerts).toHaveCount(2);
  await expect(alerts.nth(0)).toContainText('Ana Ortiz');
  await expect(alerts.nth(1)).toContainText('Automatic action countdown started');
});

test('first-hour records, reviews, known issues, the call sample, rehearsals and shifts are all there, masked', async ({ page }) => {
  await page.goto(pathToFileURL(reportPath).toString());
  // Entries from the first hour, long out of the newest 5,000 a console keeps in memory.
  const firstHourConfig = launch.firstHourEntries.find((e) => e.type === 'config');
  expect(firstHourConfig && launch.auditEntries - firstHourConfig.seq).toBeGreaterThan(5000);
  await expect(page.locator('#shifts-table tbody tr')).toHaveCount(2);
  await expect(page.locator('#shifts-table')).toContainText(formatUtc(T0 + 60_000));
  await expect(page.locator('[data-review="h1"]')).toContainText('continue');
  await expect(page.locator('[data-review="d1"]')).toContainText('hold');
  await expect(page.locator('#known-issues-table')).toContainText('fixed');
  await expect(page.locator('#known-issues-table')).not.toContainText('7946 0958');
  await expect(page.locator('#sample-sessions')).toContainText('20 of 20');
  await expect(page.locator('#regression-cases tbody tr')).toHaveCount(5);
  await expect(page.locator('#regression-cases')).not.toContainText('jane.doe@example.com');
  await expect(page.locator('#rehearsals-table')).toContainText('4 min');
  await expect(page.locator('#rollout')).toContainText('Promotion from canary (5%) to limited (25%)');
  await expect(page.locator('#gate-table tbody tr')).toHaveCount(6);
});

test('the report prints to a paged PDF with the text of its sections', async ({ page }) => {
  await page.goto(pathToFileURL(reportPath).toString());
  const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0;
  expect(pages).toBeGreaterThanOrEqual(6);
  expect(pages).toBeLessThan(40);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('nav')).toBeHidden();
  for (const heading of ['Summary', 'Launch gates as decided', 'Staged rollout', 'KPIs against targets', 'Alerts', 'Routing actions', 'Reviews', 'Known issues', 'Call sample', 'Rollback rehearsals', 'Shift owners and handovers']) {
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
  }
  // No request leaves the page: everything it shows is inline.
  expect(await page.evaluate(() => performance.getEntriesByType('resource').length)).toBe(0);
});
