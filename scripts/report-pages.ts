import { chromium } from '@playwright/test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Pictures of a launch report's first printed pages, for the docs: Chromium lays the report out
 * for print (A4, the report's own print stylesheet) and each page is cut from that layout.
 * `npm run report:pages -- <report.html> [docs/report-page]` writes <prefix>-1.png and <prefix>-2.png.
 */
const { positionals } = parseArgs({ args: process.argv.slice(2), options: {}, strict: true, allowPositionals: true });
const [html, prefix = 'docs/report-page'] = positionals;
if (!html || positionals.length > 2) throw new Error('usage: npm run report:pages -- <report.html> [output prefix]');
// A4 at 96 dpi less the stylesheet's 14 mm and 12 mm margins.
const MM = 96 / 25.4;
const width = Math.round((210 - 24) * MM);
const pageHeight = Math.round((297 - 28) * MM);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width, height: pageHeight }, deviceScaleFactor: 1.5 });
  await page.goto(pathToFileURL(resolve(html)).toString());
  await page.emulateMedia({ media: 'print' });
  for (const n of [1, 2]) {
    const file = resolve(`${prefix}-${n}.png`);
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: (n - 1) * pageHeight, width, height: pageHeight } });
    process.stdout.write(`wrote ${file}\n`);
  }
} finally {
  await browser.close();
}
