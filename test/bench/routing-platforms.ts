/**
 * Confirm-to-verified time of routing actions through each voice platform's adapter against its
 * fake API on loopback (real clock): from execute start to a read-back of every number showing
 * the change, through the pending-actions journal, the read before writing, the writes and the
 * read-back. Two numbers per platform. Prints figures; never asserts on them.
 *
 *   npx tsx test/bench/routing-platforms.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RoutingConfigSchema } from '../../shared/routing-config.js';
import { ActionExecutor } from '../../electron/core/routing/action-executor.js';
import { PendingActionsJournal } from '../../electron/core/routing/pending-journal.js';
import { routingProviderFor } from '../../electron/core/routing/providers/from-config.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import { startRetellFake, startTwilioFake, startVapiFake, type FakePlatform } from '../support/platform-fakes.js';

const ACTIONS = 100;
const AC = `AC${'a'.repeat(32)}`;
const PN = [`PN${'1'.repeat(32)}`, `PN${'2'.repeat(32)}`];
const AGENT = 'https://agent.example.com/voice';
const HUMAN = 'https://handler.twilio.com/twiml/EH0human';
const VAPI = ['vapi-number-1', 'vapi-number-2'];
const RETELL = ['+14155550301', '+14155550302'];

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

interface Platform {
  name: 'twilio' | 'vapi' | 'retell';
  start(): Promise<FakePlatform<unknown>>;
  config(url: string): unknown;
  token: string;
}

const PLATFORMS: Platform[] = [
  {
    name: 'twilio',
    start: () =>
      startTwilioFake({
        accountSid: AC,
        authToken: 'tok',
        numbers: Object.fromEntries(PN.map((sid, i) => [sid, { phoneNumber: `+1415555010${i}`, voiceUrl: AGENT, voiceMethod: 'POST', voiceFallbackUrl: '', voiceApplicationSid: null, trunkSid: null }])),
      }) as Promise<FakePlatform<unknown>>,
    config: (url) => ({ kind: 'twilio', baseUrl: url, accountSid: AC, numbers: PN, agent: { voiceUrl: AGENT, version: 'v2' }, human: { voiceUrl: HUMAN } }),
    token: 'tok',
  },
  {
    name: 'vapi',
    start: () =>
      startVapiFake({ privateKey: 'key', assistants: ['asst-agent'], numbers: Object.fromEntries(VAPI.map((id, i) => [id, { number: `+1415555020${i}`, assistantId: 'asst-agent' }])) }) as Promise<FakePlatform<unknown>>,
    config: (url) => ({ kind: 'vapi', baseUrl: url, phoneNumberIds: VAPI, agent: { assistantId: 'asst-agent' }, human: { number: '+14155550999' } }),
    token: 'key',
  },
  {
    name: 'retell',
    start: () =>
      startRetellFake({
        apiKey: 'key',
        agents: { agent_main: [4], agent_humans: [1] },
        numbers: Object.fromEntries(RETELL.map((n) => [n, { inboundAgents: [{ agent_id: 'agent_main', agent_version: 4, weight: 1 }] }])),
      }) as Promise<FakePlatform<unknown>>,
    config: (url) => ({ kind: 'retell', baseUrl: url, numbers: RETELL, agent: { agentId: 'agent_main', version: 4 }, human: { agentId: 'agent_humans' } }),
    token: 'key',
  },
];

export async function benchRoutingPlatforms(): Promise<Record<string, number>> {
  const figures: Record<string, number> = { actions: ACTIONS, unverified: 0, transitions: 0, expectedTransitions: 0 };
  for (const p of PLATFORMS) {
    const fake = await p.start();
    const dataDir = mkdtempSync(join(tmpdir(), `bench-routing-${p.name}-`));
    try {
      const provider = routingProviderFor(RoutingConfigSchema.parse(p.config(fake.url)), { token: p.token }, ['billing', 'orders']);
      const journal = await PendingActionsJournal.open(fileStorage(dataDir).document('pending-actions'));
      const executor = new ActionExecutor({ provider, journal, timeoutMs: 2000, retries: 3 });
      const ms: number[] = [];
      for (let i = 0; i < ACTIONS; i++) {
        const action = i % 2 === 0 ? 'stop_all' : 'resume';
        const outcome = await executor.execute(executor.prepare({ action, operator: 'bench' }));
        await executor.forget(outcome.intentId);
        if (outcome.status === 'verified') ms.push(outcome.elapsedMs);
        else figures.unverified! += 1;
      }
      ms.sort((a, b) => a - b);
      figures[`${p.name}MedianMs`] = percentile(ms, 0.5);
      figures[`${p.name}P95Ms`] = percentile(ms, 0.95);
      figures.transitions! += fake.stats.transitions;
      figures.expectedTransitions! += ACTIONS * 2;
    } finally {
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchRoutingPlatforms();
  for (const [name, value] of Object.entries(figures)) {
    console.log(`${name.padEnd(20)} ${Number.isInteger(value) ? value : value.toFixed(1)}`);
  }
}
