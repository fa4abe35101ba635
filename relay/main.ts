import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isLoopback, parseRelayConfig, RelayConfigError, type RelayConfig } from './config.js';
import { parseKey, readRawFile } from './raw-store.js';
import { startRelay, type RelaySecrets } from './server.js';
import { splitterRoutes } from './splitter.js';

/**
 * `npm run relay -- --config relay.json` serves the webhooks and the stream until SIGINT or
 * SIGTERM. `--open-raw <file>` prints the deliveries of one raw day file, decrypted, as JSON
 * lines (for replay and audit). A bad flag, configuration or missing secret exits with 2.
 */

const USAGE = `Usage: npm run relay -- --config relay.json
       npm run relay -- --config relay.json --open-raw <data>/raw/raw-YYYY-MM-DD.jsonl

  --config     the relay configuration (JSON), see docs/platforms.md
  --open-raw   print one day's raw deliveries, decrypted with the configured key
  --help       this text`;

function secretFrom(env: string, what: string): string {
  const value = process.env[env];
  if (!value) throw new RelayConfigError(`${what}: the environment variable ${env} is not set`);
  return value;
}

function readSecrets(config: RelayConfig): RelaySecrets {
  const secrets: RelaySecrets = { streamToken: secretFrom(config.streamTokenEnv, 'streamTokenEnv') };
  const { vapi, retell, twilio } = config;
  if (vapi) secrets.vapi = secretFrom(vapi.auth.kind === 'bearer' ? vapi.auth.tokenEnv : vapi.auth.secretEnv, 'vapi.auth');
  if (retell) secrets.retell = secretFrom(retell.apiKeyEnv, 'retell.apiKeyEnv');
  if (twilio) secrets.twilio = secretFrom(twilio.authTokenEnv, 'twilio.authTokenEnv');
  if (config.splitter) secrets.splitter = secretFrom(config.splitter.tokenEnv, 'splitter.tokenEnv');
  return secrets;
}

function readPayloadKey(config: RelayConfig): Buffer {
  const source = config.payloadKey;
  if ('env' in source) return parseKey(secretFrom(source.env, 'payloadKey.env'), `payloadKey.env (${source.env})`);
  let text: string;
  try {
    text = readFileSync(source.file, 'utf8');
  } catch (e) {
    throw new RelayConfigError(`payloadKey.file: cannot read ${source.file}: ${(e as Error).message}`);
  }
  return parseKey(text, `payloadKey.file (${source.file})`);
}

async function main(): Promise<number | null> {
  let values: { config?: string; 'open-raw'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { config: { type: 'string' }, 'open-raw': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`relay: ${(e as Error).message.split('\n')[0]}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.config) {
    process.stderr.write(`relay: --config is required\n\n${USAGE}\n`);
    return 2;
  }
  let config: RelayConfig;
  let secrets: RelaySecrets;
  let payloadKey: Buffer;
  try {
    const path = resolve(values.config);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new RelayConfigError(`--config: cannot read ${path}: ${(e as Error).message}`);
    }
    config = parseRelayConfig(text, path, dirname(path));
    payloadKey = readPayloadKey(config);
    if (values['open-raw']) {
      for (const d of readRawFile(values['open-raw'], payloadKey)) process.stdout.write(`${JSON.stringify(d)}\n`);
      return 0;
    }
    secrets = readSecrets(config);
  } catch (e) {
    process.stderr.write(`relay: ${(e as Error).message}\n`);
    return 2;
  }
  const { splitter } = config;
  const routes =
    splitter && secrets.twilio && secrets.splitter
      ? splitterRoutes({
          publicUrl: config.publicUrl,
          twilioAuthToken: secrets.twilio,
          splitterToken: secrets.splitter,
          agent: splitter.agent,
          human: splitter.human,
          file: join(config.dataDir, 'splitter.json'),
        })
      : [];
  const relay = await startRelay({ config, secrets, payloadKey, routes });
  const how = isLoopback(config.listen.host)
    ? config.behindTlsProxy
      ? 'plain HTTP on loopback, behind your TLS-terminating proxy'
      : 'plain HTTP on loopback only: put a TLS-terminating proxy in front for the platforms to reach it'
    : `plain HTTP on ${config.listen.host}, behind your TLS-terminating proxy`;
  process.stdout.write(`Relay at ${relay.url} for ${config.publicUrl} (${how}); platforms: ${['vapi', 'retell', 'twilio'].filter((p) => config[p as 'vapi']).join(', ')}\n`);
  const stop = (): void => {
    void relay.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return null;
}

main().then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`relay: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
