import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../shared/did-you-mean.js';
import type { SimOptions } from './options.js';

/** Command-line flags of `npm run sim`, turned into SimOptions; a bad flag names itself. */

export class CliError extends Error {
  override name = 'CliError';
}

type Kind = 'int' | 'number' | 'string' | 'list';

const FLAGS = {
  '--port': { key: 'port', kind: 'int', help: 'port on the host (0 = any free)', default: '4100' },
  '--host': { key: 'host', kind: 'string', help: 'loopback address: 127.0.0.1, localhost or ::1', default: '127.0.0.1' },
  '--seed': { key: 'seed', kind: 'int', help: 'PRNG seed; same seed and flags give the same calls', default: '1' },
  '--rate': { key: 'rate', kind: 'number', help: 'calls per simulated second', default: '2' },
  '--speed': { key: 'speed', kind: 'number', help: 'simulated seconds per wall second (60 = an hour a minute)', default: '1' },
  '--scenario': { key: 'scenarios', kind: 'list', help: 'faults on from the start, comma-separated', default: 'none' },
  '--token': { key: 'token', kind: 'string', help: 'routing API bearer token', default: 'generated' },
  '--stream-token': { key: 'streamToken', kind: 'string', help: 'token stream clients must present', default: 'none' },
  '--share': { key: 'agentShare', kind: 'number', help: 'percent of new calls routed to the agent', default: '100' },
  '--intents': { key: 'intents', kind: 'list', help: 'intent names, comma-separated', default: 'the five defaults' },
} as const satisfies Record<string, { key: keyof SimOptions; kind: Kind; help: string; default: string }>;

const PARSE_OPTIONS = {
  ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag.slice(2), { type: 'string' as const }])),
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const CLI_DEFAULT_PORT = 4100;

export function usage(): string {
  const rows = Object.entries(FLAGS).map(([flag, f]) => `  ${flag.padEnd(15)} ${f.help} (default: ${f.default})`);
  return ['Usage: npm run sim -- [flags]', '', ...rows, '  --help          this text'].join('\n');
}

function convert(flag: string, kind: Kind, text: string): number | string | string[] {
  switch (kind) {
    case 'int':
      if (!/^-?\d+$/.test(text)) throw new CliError(`${flag}: expected a whole number, got '${text}'`);
      return Number(text);
    case 'number': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new CliError(`${flag}: expected a number, got '${text}'`);
      return n;
    }
    case 'list': {
      const items = text.split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length === 0) throw new CliError(`${flag}: expected a comma-separated list, got '${text}'`);
      return items;
    }
    case 'string':
      return text;
  }
}

/** The options the flags ask for, or 'help'. Range checks happen in resolveSimOptions. */
export function parseSimArgs(argv: readonly string[]): SimOptions | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof PARSE_OPTIONS; strict: true; allowPositionals: false }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: true, allowPositionals: false });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? '';
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown) throw new CliError(`unknown flag '${unknown}'${didYouMean(unknown, Object.keys(FLAGS))}; known: ${Object.keys(FLAGS).join(', ')}`);
    const named = /^Option '(--[a-z-]+)/.exec(message)?.[1];
    if (named) throw new CliError(`${named}: needs a value`);
    throw new CliError(message);
  }
  if (parsed.values.help) return 'help';
  const options: Record<string, unknown> = { port: CLI_DEFAULT_PORT };
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const value = parsed.values[flag.slice(2) as keyof typeof parsed.values];
    if (typeof value !== 'string') continue;
    if (value === '') throw new CliError(`${flag}: needs a value`);
    options[spec.key] = convert(flag, spec.kind, value);
  }
  return options as SimOptions;
}
