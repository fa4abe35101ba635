import { runAuditCli } from './audit/cli.js';

/** `npm run audit -- verify <file>|--database <url>` / `npm run audit -- export ... --format csv|jsonl`. */
process.exitCode = await runAuditCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
