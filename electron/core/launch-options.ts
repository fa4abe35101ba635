import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { didYouMean } from '../../shared/did-you-mean.js';
import { ConfigError, LaunchConfigSchema, parseLaunchConfig, type LaunchConfig } from '../../shared/config.js';
import { slug } from './lib/slug.js';

/**
 * Where every host setting comes from, in order of precedence: command-line flag, environment
 * variable, launch configuration file, built-in default (the embedded simulator on 4100).
 */
export const HOST_SETTINGS = {
  config: { flag: '--config', env: 'LAUNCH_CONFIG', help: 'path of the launch configuration JSON' },
  port: { flag: '--port', env: 'LAUNCH_CONSOLE_PORT', help: 'web host port on 127.0.0.1 (0 = any free)' },
  stream: { flag: '--stream', env: 'LAUNCH_STREAM_URL', help: 'stream URL (socket.io, namespace /launch)' },
  routing: { flag: '--routing', env: 'LAUNCH_ROUTING_URL', help: 'routing provider base URL' },
  dataDir: { flag: '--data-dir', env: 'LAUNCH_DATA_DIR', help: 'where the audit log and records are kept' },
} as const;
export type HostSetting = keyof typeof HOST_SETTINGS;

export interface LaunchOptions {
  config: LaunchConfig;
  configPath: string | null;
  port: number;
  /**
   * Null: the host's own default, a folder per launch (see `launchFolderName`) under the app's
   * data directory, or under .launch-data for the web host.
   */
  dataDir: string | null;
  streamToken: string | undefined;
  routingToken: string | undefined;
  /** The relay splitter's token, for Twilio routing with a splitter. */
  splitterToken?: string | undefined;
}

/**
 * Each launch keeps its own records (T0, reviews, alerts, audit log), so a rehearsal's state never
 * carries into the real launch: the folder is named after the configuration's launch name.
 */
export function launchFolderName(launchName: string): string {
  return slug(launchName, 'launch');
}

const FLAG_NAMES = Object.fromEntries(
  Object.entries(HOST_SETTINGS).map(([key, s]) => [s.flag.slice(2), key as HostSetting]),
) as Record<string, HostSetting>;

export function parseFlags(argv: string[]): Partial<Record<HostSetting, string>> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.keys(FLAG_NAMES).map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    const flags = Object.values(HOST_SETTINGS).map((s) => s.flag);
    const message = (e as Error).message.split('\n')[0] ?? '';
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown) throw new ConfigError(`unknown option ${unknown}${didYouMean(unknown, flags)}; known: ${flags.join(', ')}`);
    const named = /^Option '(--[a-z-]+)/.exec(message)?.[1];
    if (named) throw new ConfigError(`option ${named} needs a value (--flag value or --flag=value)`);
    throw new ConfigError(`${message}; known options: ${flags.join(', ')}`);
  }
  const out: Partial<Record<HostSetting, string>> = {};
  for (const [name, value] of Object.entries(values)) {
    const key = FLAG_NAMES[name];
    if (!key || typeof value !== 'string') continue;
    if (value === '') throw new ConfigError(`option --${name} needs a value`);
    out[key] = value;
  }
  return out;
}

export function resolveLaunchOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): LaunchOptions {
  const flags = parseFlags(argv);
  const pick = (k: HostSetting): string | undefined => flags[k] ?? env[HOST_SETTINGS[k].env] ?? undefined;

  const configPath = pick('config') ? resolve(cwd, pick('config') as string) : null;
  let config: LaunchConfig;
  if (configPath) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read launch configuration ${configPath}: ${(e as Error).message}`);
    }
    config = parseLaunchConfig(text, configPath);
  } else {
    config = LaunchConfigSchema.parse({});
  }

  const stream = pick('stream');
  const routing = pick('routing');
  const overridden = LaunchConfigSchema.safeParse({
    ...config,
    stream: { ...config.stream, ...(stream ? { url: stream } : {}) },
    routing: { ...config.routing, ...(routing ? { baseUrl: routing } : {}) },
  });
  if (!overridden.success) {
    throw new ConfigError(`bad stream or routing URL: ${overridden.error.issues[0]?.message ?? 'invalid'}`);
  }
  config = overridden.data;

  const portText = pick('port');
  const port = portText === undefined ? config.webHost.port : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`port must be an integer from 0 to 65535, got "${portText}"`);
  }

  return {
    config,
    configPath,
    port,
    dataDir: pick('dataDir') ? resolve(cwd, pick('dataDir') as string) : null,
    streamToken: env[config.stream.tokenEnv],
    routingToken: env[config.routing.tokenEnv],
    splitterToken: config.routing.kind === 'twilio' && config.routing.splitter ? env[config.routing.splitter.tokenEnv] : undefined,
  };
}
