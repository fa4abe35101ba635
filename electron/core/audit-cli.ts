import { runAuditCli } from './audit/cli.js';

/** `npm run audit -- verify <file>` / `npm run audit -- export <file> --format csv|jsonl`. */
process.exitCode = runAuditCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
