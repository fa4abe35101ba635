/**
 * `npm run bench`: every benchmark of the console, one after the other, and one table of their
 * figures beside the floor or target each issue set. A benchmark, not a test: speed depends on
 * the machine, so a figure below its floor is flagged, never failed.
 */
import { availableParallelism, cpus } from 'node:os';
import { benchAggregation } from './aggregation.js';
import { benchAlerts } from './alerts.js';
import { benchKpiHistory } from './kpi-history.js';
import { benchPii } from './pii.js';
import { benchPostgres } from './postgres.js';
import { benchRelay } from './relay.js';
import { benchReport } from './report.js';
import { benchRollout } from './rollout.js';
import { benchRouting } from './routing.js';
import { benchRoutingPlatforms } from './routing-platforms.js';
import { benchSampling } from './sampling.js';
import { benchStream } from './stream.js';
import { benchTeam } from './team.js';

type Figures = Record<string, number>;

interface Floor {
  text: string;
  /** True when the figure meets it; `all` holds the same bench's other figures. */
  met(value: number, all: Figures): boolean;
}

const at = (all: Figures, name: string): number => all[name] ?? Number.NaN;
/** Heap "flat after warm-up": under a tenth more, plus a little slack for V8's own bookkeeping. */
const flat = (after: number, before: number): boolean => after <= before * 1.1 + 5;
/** First bad call to the alert, minus its pending period, in wall time on loopback. */
const detectTarget: Floor = { text: '< 2,000 ms after the pending period', met: (v) => v < 2000 };

const FLOORS: Record<string, Record<string, Floor>> = {
  aggregation: {
    callsPerSec: { text: '≥ 20,000 calls/s on one core', met: (v) => v >= 20_000 },
    heapUsedMbAfter1M: { text: 'flat after warm-up', met: (v, all) => flat(v, at(all, 'heapUsedMbAfterWarmup')) },
    arrayBuffersMbAfter1M: { text: 'flat after warm-up', met: (v, all) => flat(v, at(all, 'arrayBuffersMbAfterWarmup')) },
    lateDropped: { text: '0 (calls within the hour)', met: (v) => v === 0 },
  },
  stream: {
    eventsPerSec: { text: '≥ 20,000 events/s through the hardened validation', met: (v) => v >= 20_000 },
    heapMbAfterHostile: {
      text: 'within 10% of the baseline after a GC',
      met: (v, all) => v <= at(all, 'heapMbBaseline') * 1.1,
    },
  },
  routing: {
    actionP95Ms: { text: 'P95 < 250 ms confirm to verified', met: (v) => v < 250 },
    unverified: { text: '0', met: (v) => v === 0 },
    appliedOnProvider: { text: '= actions (each applied once)', met: (v, all) => v === at(all, 'actions') },
  },
  'routing-platforms': {
    twilioP95Ms: { text: 'P95 < 250 ms confirm to verified', met: (v) => v < 250 },
    vapiP95Ms: { text: 'P95 < 250 ms confirm to verified', met: (v) => v < 250 },
    retellP95Ms: { text: 'P95 < 250 ms confirm to verified', met: (v) => v < 250 },
    unverified: { text: '0', met: (v) => v === 0 },
    transitions: { text: '= expected (each number moved once per action)', met: (v, all) => v === at(all, 'expectedTransitions') },
  },
  alerts: {
    piiLeakDetectMedianMs: detectTarget,
    piiLeakDetectMaxMs: detectTarget,
    latencySpikeDetectMedianMs: detectTarget,
    latencySpikeDetectMaxMs: detectTarget,
  },
  sampling: {
    keptCalls: { text: '≤ capacity (bounded)', met: (v, all) => v <= at(all, 'capacity') },
  },
  pii: {
    recall: { text: '≥ 0.98 of labelled items', met: (v) => v >= 0.98 },
    precision: { text: '≥ 0.95 of masked spans', met: (v) => v >= 0.95 },
  },
  kpiHistory: {
    mb14Days5Intents: { text: '≤ 50 MB for 14 days of 5 intents', met: (v) => v <= 50 },
    fourHourFiguresMs: { text: '< 250 ms for a review span', met: (v) => v < 250 },
  },
  postgres: {
    appendsPerSec: { text: '≥ 500 audit appends/s with the chain', met: (v) => v >= 500 },
    chainIntact: { text: '1 (verified after the run)', met: (v) => v === 1 },
    chainEntries: { text: '= appended (none lost, none forked)', met: (v, all) => v === at(all, 'appended') },
  },
  report: {
    buildMs: { text: '< 5,000 ms to read the records and build the report', met: (v) => v < 5000 },
    auditEntries: { text: '> 5,000 (beyond what a console keeps in memory)', met: (v) => v > 5000 },
  },
  rollout: {
    ladderDocKb: { text: '≤ 256 KB rewritten per change, whatever the length of the rollout', met: (v) => v <= 256 },
    heapMbHeld: { text: '≤ 5 MB after 14 days', met: (v) => v <= 5 },
  },
  team: {
    propagationP95Ms: { text: 'P95 < 500 ms from one operator\'s change to every other window (20 windows)', met: (v) => v < 500 },
    acrossInstancesP95Ms: { text: 'P95 < 500 ms across two instances (20 windows)', met: (v) => v < 500 },
    failoverMaxMs: { text: '< 10,000 ms from a leader killed to the next one leading', met: (v) => v < 10_000 },
  },
  relay: {
    webhooksPerSec: { text: '≥ 2,000 webhooks/s written durably', met: (v) => v >= 2000 },
    p99Ms: { text: 'P99 < 50 ms to 2xx', met: (v) => v < 50 },
    notAccepted: { text: '0', met: (v) => v === 0 },
    catchUpMs: { text: '< 6,000 ms to live from 100,000 buffered', met: (v) => v < 6000 },
    caughtUpCalls: { text: '= 100,000', met: (v) => v === 100_000 },
  },
};

const BENCHES: { name: string; what: string; run: () => Promise<Figures> }[] = [
  { name: 'aggregation', what: '1M stream calls: parse, validate, aggregate', run: benchAggregation },
  { name: 'stream', what: '200k calls through schema, time window and seq gate; then 100k hostile events', run: benchStream },
  { name: 'routing', what: '100 actions against the simulator on loopback', run: benchRouting },
  { name: 'routing-platforms', what: '100 actions per adapter against fakes of Twilio, Vapi and Retell on loopback', run: benchRoutingPlatforms },
  { name: 'alerts', what: '50 rules over 10 intents, one tick per stream second', run: () => benchAlerts() },
  { name: 'sampling', what: '5M calls offered, 30-call draws from 48 hours', run: benchSampling },
  { name: 'pii', what: 'masking on the labelled transcript corpus', run: benchPii },
  { name: 'kpiHistory', what: '14 days of a 5-intent launch in the KPI history, then a review span and the whole launch', run: benchKpiHistory },
  { name: 'postgres', what: 'audit appends to PostgreSQL with the chain: 2 servers on one launch, 32 in flight each, fsync on; then one at a time', run: benchPostgres },
  { name: 'report', what: 'the launch report of a recorded 48-hour launch at 2 calls/s, read from storage', run: benchReport },
  { name: 'rollout', what: "14 simulated days of the ladder: each stage's span, alerts and bounded figure series", run: benchRollout },
  { name: 'team', what: "20 operators' windows on one console server, then over two instances; a leader killed with SIGKILL three times", run: benchTeam },
  { name: 'relay', what: 'signed webhooks to fsync on loopback; a console catching up 100,000 calls', run: benchRelay },
];

function show(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 3 : 1 });
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) => r.map((cell, i) => (i === 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

const rows: string[][] = [['bench', 'figure', 'value', 'floor / target', 'verdict']];
let below = 0;
const started = performance.now();
console.log(`Launch Console benchmarks on ${cpus()[0]?.model ?? 'unknown CPU'} (${availableParallelism()} cores), Node ${process.version}\n`);

for (const bench of BENCHES) {
  process.stdout.write(`${bench.name}: ${bench.what}… `);
  const t = performance.now();
  const figures = await bench.run();
  console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
  for (const [figure, value] of Object.entries(figures)) {
    const floor = FLOORS[bench.name]?.[figure];
    const verdict = floor ? (floor.met(value, figures) ? 'ok' : 'BELOW') : '';
    if (verdict === 'BELOW') below += 1;
    rows.push([bench.name, figure, show(value), floor?.text ?? '', verdict]);
  }
}

console.log(`\n${table(rows)}\n`);
console.log(
  `${below === 0 ? 'Every figure with a floor meets it' : `${below} figure(s) BELOW their floor`}; ` +
    `total ${((performance.now() - started) / 1000).toFixed(1)} s.`,
);
