import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  SECRETS,
  postRetell,
  postTwilio,
  postVapi,
  retellAnalyzed,
  retellCall,
  twilioStatus,
  vapiCompleted,
  vapiReport,
} from '../support/relay-fixtures.js';
import { freePort, startRelayProcess, writeRelayConfig, type RelayProcess } from '../support/relay-process.js';

/**
 * A launch on Vapi, Retell and Twilio as the shift owner sees it: the relay runs as its own
 * process with test secrets, the platforms' signed deliveries are POSTed to it, and the web host
 * (a real process, `--stream` at the relay, the stream token in its environment) shows in
 * Chromium the figures those calls imply, each worked out by hand below. Then Retell stops
 * calling while the relay stays up, and the status says so instead of "Live".
 */

const root = resolve(import.meta.dirname, '../..');
/** Retell goes quiet after this long; the other platforms keep the default three minutes. */
const RETELL_QUIET_SEC = 10;
const NOW = Date.now();
const at = (minAgo: number) => NOW - minAgo * 60_000;

let dir: string;
let relay: RelayProcess | undefined;
let host: ChildProcess | undefined;
let hostUrl: string;

async function startHost(streamUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/web-host.ts', '--port', '0', '--data-dir', join(dir, 'console'), '--stream', streamUrl, '--routing', 'http://127.0.0.1:9'],
    { cwd: root, env: { ...process.env, LAUNCH_STREAM_TOKEN: SECRETS.stream }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  host = child;
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

async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-browser-'));
  const port = await freePort();
  relay = await startRelayProcess(
    writeRelayConfig(dir, port, { retell: { apiKeyEnv: 'RETELL_API_KEY', holdSec: 1, quietAfterSec: RETELL_QUIET_SEC } }),
  );
  hostUrl = (await startHost(relay.url)).url;

  const ok = (r: { status: number }) => expect(r.status).toBe(200);
  // e1: completed order-status call (greeting 800 ms, then 900 and 700 ms), with a Twilio leg.
  ok(await postVapi(relay.url, vapiCompleted('e1', { startedAt: at(10), endedAt: at(9), twilioSid: 'CAe1' })));
  // e2: the caller never answered.
  ok(await postVapi(relay.url, vapiReport({ id: 'e2', endedReason: 'customer-did-not-answer', startedAt: at(9), endedAt: at(9) })));
  // e3: the model failed mid-call.
  ok(await postVapi(relay.url, vapiReport({ id: 'e3', endedReason: 'pipeline-error-openai-llm-failed', startedAt: at(8), endedAt: at(7) })));
  // e4: the same conversation as e1, then a warm transfer with a summary to the human line.
  ok(
    await postVapi(
      relay.url,
      vapiCompleted('e4', {
        startedAt: at(7),
        endedAt: at(6),
        endedReason: 'assistant-forwarded-call',
        transfers: [{ destination: { type: 'number', number: '+15550100999' }, mode: 'warm-transfer-say-summary', status: 'connected' }],
      }),
    ),
  );
  // CAe6 busy on the agent's number; CAe8 answered on the human line; CAe1 folds into e1.
  ok(await postTwilio(relay.url, twilioStatus('CAe6', 'busy', 1, { Timestamp: new Date(at(5)).toUTCString() })));
  ok(await postTwilio(relay.url, twilioStatus('CAe8', 'completed', 3, { To: '+15550100999', Timestamp: new Date(at(5)).toUTCString() })));
  ok(await postTwilio(relay.url, twilioStatus('CAe1', 'completed', 3, { Timestamp: new Date(at(9)).toUTCString() })));
  // e5: a Retell billing call (greeting 500 ms, then 1,100 ms), completed once analysed.
  const e5 = retellCall('e5', { start_timestamp: at(4), end_timestamp: at(3) });
  ok(await postRetell(relay.url, { event: 'call_ended', call: e5 }));
  ok(await postRetell(relay.url, retellAnalyzed(e5, 'billing_question', true)));
  // Vapi retries e2: answered, counted once.
  expect((await postVapi(relay.url, vapiReport({ id: 'e2', endedReason: 'customer-did-not-answer', startedAt: at(9), endedAt: at(9) }))).json.outcome).toBe(
    'duplicate',
  );
});

test.afterAll(async () => {
  if (host) await stopHost(host);
  await relay?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tile = (page: Page, label: string) => page.getByRole('group', { name: label, exact: true });

/** A latency as the tile shows it, in ms. */
async function shownMs(page: Page, label: string): Promise<number> {
  const text = (await tile(page, label).locator('.kpi-value').textContent()) ?? '';
  const m = /^([\d.]+) (ms|s)$/.exec(text.trim());
  if (!m?.[1]) throw new Error(`${label} shows "${text}", not a latency`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** Latencies are kept in bins 2% wide, so the tile shows the hand-worked value to within 2%. */
async function expectLatency(page: Page, label: string, ms: number): Promise<void> {
  await expect.poll(() => shownMs(page, label)).toBeGreaterThanOrEqual(ms / 1.02);
  expect(await shownMs(page, label)).toBeLessThanOrEqual(ms * 1.02);
}

test('the tiles show the launch the platforms reported, as worked out by hand', async ({ page }) => {
  await page.goto(hostUrl);
  await page.getByRole('radio', { name: '60 minute window' }).click();
  // Seven calls: e1-e5 and the two Twilio-only calls CAe6 and CAe8; e2's retry and CAe1 count
  // in no total. On the agent's route: all but CAe8 (human line), so 6.
  await expect(page.getByText(/calls since start/)).toContainText('6 agent calls of 7 · 7 calls since start', { timeout: 20_000 });

  const shows = async (label: string, text: string) => expect(tile(page, label).locator('.kpi-value')).toHaveText(text);
  // 7 calls over 60 minutes: 0.117 a minute.
  await shows('Call rate', '0.1/min');
  // Of the 6 agent calls, e2 (no answer) and CAe6 (busy) never connected: 2/6.
  await shows('Failed connection rate', '33.3%');
  // lookup_order on e1 and e4, refund_charge on e5: 3 of 3 succeeded.
  await shows('Tool-call success', '100.0%');
  // e3's pipeline error is the model's and the agent's: 1/6.
  await shows('Model error rate', '16.7%');
  await shows('Agent-caused error rate', '16.7%');
  await shows('TTS failures', '0');
  // Connected: e1, e3, e4, e5. Completed: e1 and e5 (e3 failed, e4 escalated): 2/4.
  await shows('Task completion', '50.0%');
  // Kept by the agent: all connected calls but e4, which went to a person: 3/4.
  await shows('Containment', '75.0%');
  // e4 was transferred with its context (a summary): 1/1.
  await shows('Escalation correctness', '100.0%');
  await shows('Fallback rate', '0%');
  await shows('Interruption rate', '0%');
  // Card and phone numbers were spoken by callers only, and masked: no agent PII event.
  await shows('PII events', '0');
  await shows('Prompt-injection flags', '0');
  // Agent turns: e1 and e4 each 800 (greeting), 900, 700; e5 500 (greeting), 1,100. Sorted:
  // 500 700 700 800 800 900 900 1100. Nearest rank of 8: P50 the 4th (800), P95 the 8th (1,100).
  await expectLatency(page, 'P95 turn latency', 1100);
  await expectLatency(page, 'P50 turn latency', 800);
  // First words 800, 800, 500: P95 is the 3rd of 3, 800.
  await expectLatency(page, 'Time to first word (P95)', 800);

  await expect(page.getByRole('row', { name: /Intent billing_question/ })).toBeVisible();
});

test('when Retell stops calling while the relay is up, the status says so instead of Live', async ({ page }) => {
  await page.goto(hostUrl);
  const connection = page.getByRole('status', { name: 'Stream connection' });
  await expect(connection).toContainText(/No webhooks from Retell for \d+ s/, { timeout: (RETELL_QUIET_SEC + 15) * 1000 });
  await expect(connection).not.toContainText('Live');
  await expect(connection).not.toContainText(/Vapi|Twilio/);
  await expect(page.getByRole('alert', { name: 'Stale data warning' })).toHaveCount(0);

  // Retell delivers again: the stream reads Live once more.
  const e9 = retellCall('e9', { start_timestamp: at(1), end_timestamp: at(0.5) });
  expect((await postRetell(relay?.url ?? '', { event: 'call_ended', call: e9 })).status).toBe(200);
  await expect(connection).toContainText('Live', { timeout: (RETELL_QUIET_SEC - 2) * 1000 });
  await expect(connection).not.toContainText('No webhooks');
});
