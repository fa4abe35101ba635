import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator, type SimHandle } from '../../sim/server.js';

/**
 * A review check note typed key by key is on disk without the field ever losing focus: the web
 * host, a real process, is killed with SIGKILL right after the screen says it is saved, and a
 * new host on the same data folder shows the note.
 */

const root = resolve(import.meta.dirname, '../..');
let sim: SimHandle;
let dataDir: string;
const hosts: ChildProcess[] = [];

test.beforeEach(async () => {
  sim = await startSimulator({ port: 0, seed: 5, rate: 2, speed: 60 });
  dataDir = mkdtempSync(join(tmpdir(), 'review-note-kill-'));
});
test.afterEach(async () => {
  for (const h of hosts.splice(0)) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  await sim.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startHost(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/web-host.ts', '--port', '0', '--data-dir', dataDir, '--stream', sim.url, '--routing', sim.url],
    { cwd: root, env: { ...process.env, LAUNCH_ROUTING_TOKEN: sim.token }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  hosts.push(child);
  const url = await new Promise<string>((found, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Launch Console at (\S+)/.exec(out);
      if (m?.[1]) found(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`web host exited with ${code}`)));
  });
  return { child, url };
}

async function openFirstReview(page: Page) {
  await page.getByRole('region', { name: 'Next review' }).getByRole('button').first().click();
  return page.getByRole('region', { name: 'Review form: First-hour review' });
}

test('a check note typed without leaving the field survives kill -9 of the host', async ({ page }) => {
  // Two host processes start from source under tsx, which takes a while on a busy machine.
  test.setTimeout(180_000);
  const first = await startHost();
  await page.goto(first.url);
  const badge = page.getByRole('region', { name: 'Shift owner' });
  await badge.getByRole('button', { name: 'Set shift owner' }).click();
  await page.getByLabel('Name').fill('Dana');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(badge).toContainText('Dana');

  const form = await openFirstReview(page);
  await form.getByRole('button', { name: /Open (early|review)/ }).click();
  const note = form.getByRole('textbox', { name: 'Note for Latency spikes' });
  await note.click();
  await note.pressSequentially('P95 spiking on cancel_service', { delay: 15 });
  await expect(note).toBeFocused();
  await expect(form.getByRole('status', { name: 'Saving Latency spikes' })).toHaveText('Saved', { timeout: 30_000 });

  const exited = new Promise((r) => first.child.once('exit', (_code, signal) => r(signal)));
  first.child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const second = await startHost();
  await page.goto(second.url);
  const again = await openFirstReview(page);
  await expect(again.getByRole('textbox', { name: 'Note for Latency spikes' })).toHaveValue('P95 spiking on cancel_service');
});
