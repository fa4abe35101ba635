import { CliError, parseSimArgs, usage } from './cli-args.js';
import { SimOptionsError } from './options.js';
import { startSimulator } from './server.js';

/** `npm run sim -- --port 4100 --seed 7 --rate 5 --speed 60 --scenario latency-spike --token T` */

/** The exit code, or null while the simulator runs (it ends on SIGINT or SIGTERM). */
async function main(): Promise<number | null> {
  let options;
  try {
    options = parseSimArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    process.stderr.write(`sim: ${e.message}\n\n${usage()}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  let sim;
  try {
    sim = await startSimulator(options);
  } catch (e) {
    process.stderr.write(`sim: ${(e as Error).message}\n`);
    return e instanceof SimOptionsError ? 2 : 1;
  }
  process.stdout.write(`Simulator at ${sim.url} (routing token: ${sim.token})\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
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
    process.stderr.write(`sim: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
