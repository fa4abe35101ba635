import { chromium } from '@playwright/test';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHarness } from '../test/e2e/harness.js';

/**
 * Takes the README's screenshot from a real run: the simulator at 60x for a simulated hour and
 * a half of traffic, the web host, and Chromium. `npm run screenshot -- [view] [file]`;
 * SCREENSHOT_SCENARIOS=latency-spike,pii-leak plays simulator faults; SCREENSHOT_AGENT_SHARE=5 starts
 * the agent on a 5% canary.
 */
const { positionals } = parseArgs({ args: process.argv.slice(2), options: {}, strict: true, allowPositionals: true });
if (positionals.length > 2) throw new Error(`usage: npm run screenshot -- [view] [file]; unexpected argument ${positionals[2]}`);
const [view = 'Dashboard', file = 'docs/dashboard.png'] = positionals;
const scenarios = process.env.SCREENSHOT_SCENARIOS?.split(',').filter(Boolean) ?? [];
const agentShare = process.env.SCREENSHOT_AGENT_SHARE === undefined ? undefined : Number(process.env.SCREENSHOT_AGENT_SHARE);
const h = await startHarness({ rate: 3, speed: 60, seed: 7, scenarios, ...(agentShare === undefined ? {} : { agentShare }) });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(h.host.url);
  await page.getByRole('status', { name: 'Stream connection' }).getByText('Live').waitFor();
  await page.getByRole('button', { name: 'Set shift owner' }).click();
  await page.getByLabel('Name', { exact: true }).fill(process.env.SCREENSHOT_OWNER ?? 'Dana Reyes');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForTimeout(Number(process.env.SCREENSHOT_WAIT_MS ?? 20_000));
  await page.getByRole('button', { name: view, exact: true }).click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: resolve(file), fullPage: true });
  process.stdout.write(`wrote ${file}\n`);
} finally {
  await browser.close();
  await h.close();
}
