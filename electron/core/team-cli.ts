import { runTeamCli } from './team/cli.js';

/** `npm run team -- add NAME --role ROLE` and the rest: see TEAM_USAGE. */
process.exitCode = await runTeamCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});
