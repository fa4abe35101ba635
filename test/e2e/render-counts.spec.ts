import { expect, test, type Page } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';

/**
 * A KPI tile renders when its own figures change, and not because a snapshot arrived: with the
 * stream paused, the core keeps pushing snapshots whose figures are all the same, and the tiles
 * commit nothing. Renders are counted by the tiles themselves, on a page opened with
 * `?renderCounts`; snapshots are counted on the wire, as the page receives them.
 */

let h: Harness;

test.beforeAll(async () => {
  h = await startHarness({ rate: 6, speed: 20 });
});
test.afterAll(async () => {
  await h.close();
});

interface SeenSnapshot {
  phase: string;
  metrics: string;
}

function watchSnapshots(page: Page): SeenSnapshot[] {
  const seen: SeenSnapshot[] = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { type: string; push?: { kind: string; snapshot?: { stream: { phase: string }; metrics: unknown } } };
      const snapshot = frame.type === 'push' && frame.push?.kind === 'snapshot' ? frame.push.snapshot : undefined;
      if (snapshot) seen.push({ phase: snapshot.stream.phase, metrics: JSON.stringify(snapshot.metrics) });
    }),
  );
  return seen;
}

const tileRenders = (page: Page) => page.evaluate(() => window.__renderCounts?.kpiTiles ?? 0);

test('with the stream paused, 20 identical snapshots cause 0 renders of the KPI tiles', async ({ page }) => {
  const snapshots = watchSnapshots(page);
  const url = new URL(h.host.url);
  url.search = 'renderCounts';
  await page.goto(url.toString());
  await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live');

  // The counter is real: while calls arrive, the figures change and the tiles render.
  const whileLive = await tileRenders(page);
  expect(whileLive).toBeGreaterThan(0);
  await expect.poll(() => tileRenders(page), { timeout: 15_000 }).toBeGreaterThan(whileLive);

  h.sim.pauseStream();
  // Going stale greys every tile once; from then on nothing they show can change.
  await expect(page.getByRole('alert', { name: 'Stale data warning' })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole('article', { name: 'Experience layer' })).toHaveClass(/status-unknown/);
  await page.waitForTimeout(500);

  const before = await tileRenders(page);
  const from = snapshots.length;
  await expect.poll(() => snapshots.length - from, { timeout: 20_000 }).toBeGreaterThanOrEqual(20);
  const after = await tileRenders(page);

  const twenty = snapshots.slice(from, from + 20);
  expect(new Set(twenty.map((s) => s.metrics)).size, 'the 20 snapshots carry identical figures').toBe(1);
  expect(new Set(twenty.map((s) => s.phase))).toEqual(new Set(['stale']));
  expect(after - before).toBe(0);

  h.sim.resumeStream();
  await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live', { timeout: 10_000 });
});
