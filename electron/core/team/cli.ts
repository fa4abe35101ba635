import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, parseLaunchConfig, type LaunchConfig } from '../../../shared/config.js';
import { ROLES, RoleSchema, type TeamConfig } from '../../../shared/team.js';
import { AuditLog } from '../audit/audit-log.js';
import { PostgresStorageError } from '../storage/postgres/database.js';
import { PostgresStorage } from '../storage/postgres/postgres-storage.js';
import { DirectoryError, TeamDirectory } from './team-directory.js';
import { ImportError, importLaunch, importSummary } from './import-launch.js';
import { teamLaunchId, teamPublicUrl } from './team-settings.js';

export const TEAM_USAGE = [
  'usage: npm run team -- add NAME --role admin|operator|reviewer|viewer   add an operator (or change their role) and print a sign-in link',
  '       npm run team -- link NAME        a new one-time sign-in link for an operator',
  '       npm run team -- revoke NAME      end every session and unused link of an operator',
  '       npm run team -- list             the operators, their roles and open sessions',
  '       npm run team -- import DATA_DIR [--accept-torn-lines]  move a launch begun on one desk into the team database (before adding operators)',
  'options: --config launch.json (or LAUNCH_CONFIG), --database URL (or the variable team.databaseUrlEnv names), --by NAME (who is doing this; your login by default)',
].join('\n');

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

class UsageError extends Error {}

const OPTIONS = {
  config: { type: 'string' },
  database: { type: 'string' },
  role: { type: 'string' },
  by: { type: 'string' },
  'accept-torn-lines': { type: 'boolean' },
} as const;

/** The admin's command line for a team. Resolves to the exit code: 0 done, 1 refused, 2 usage. */
export async function runTeamCli(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (e) {
    io.err(`${(e as Error).message}\n${TEAM_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, subject, ...extra] = positionals;
  try {
    if (!command) throw new UsageError('missing command');
    if (!['add', 'link', 'revoke', 'list', 'import'].includes(command)) throw new UsageError(`unknown command: ${command}`);
    if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (command !== 'list' && !subject) throw new UsageError(`${command} needs ${command === 'import' ? 'the data folder' : 'the operator\'s NAME'}`);
    if (command === 'list' && subject) throw new UsageError('list takes no name');
    if (values.role !== undefined && command !== 'add') throw new UsageError('--role goes with add');
    if (values['accept-torn-lines'] !== undefined && command !== 'import') throw new UsageError('--accept-torn-lines goes with import');
    const config = readConfig(values.config ?? io.env.LAUNCH_CONFIG, io.cwd);
    const team = config.team;
    if (!team) throw new ConfigError('the launch configuration has no "team" section: team mode is set up there (see docs/team.md)');
    const url = values.database ?? io.env[team.databaseUrlEnv];
    if (!url) throw new ConfigError(`no database: set ${team.databaseUrlEnv} to the team's postgres:// URL, or pass --database`);
    const launchId = teamLaunchId(config);
    const by = values.by ?? `admin ${safeLogin()}`;
    if (command === 'import') {
      const dataDir = resolve(io.cwd, subject ?? '');
      const result = await importLaunch({ dataDir, target: { url, launchId }, acceptTornAuditLines: values['accept-torn-lines'] === true });
      io.out(`${importSummary(result)}\n`);
      // Said after the chain was compared with the folder's: the team's log goes on from the desk's last entry.
      const storage = await PostgresStorage.open({ url, launchId });
      try {
        const audit = await AuditLog.open(storage.records('audit'));
        await audit.append({ type: 'team', operator: by, summary: `${by} imported the launch begun on one desk from ${dataDir}; its audit chain was verified before and after`, data: { dataDir, auditEntries: result.audit.entries } });
        await audit.close();
      } finally {
        await storage.close();
      }
      return 0;
    }
    const storage = await PostgresStorage.open({ url, launchId });
    try {
      const directory = await TeamDirectory.open(storage.records('team-directory'), team);
      return await run(command, subject ?? '', values.role, by, { storage, directory, config, team, io });
    } finally {
      await storage.close();
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n${TEAM_USAGE}\n`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof PostgresStorageError || e instanceof DirectoryError || e instanceof ImportError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

interface Opened {
  storage: PostgresStorage;
  directory: TeamDirectory;
  config: LaunchConfig;
  team: TeamConfig;
  io: CliIo;
}

async function run(command: string, name: string, roleText: string | undefined, by: string, o: Opened): Promise<number> {
  const { directory, io } = o;
  if (command === 'list') {
    const rows = directory.list();
    if (rows.length === 0) io.out('No operators yet: npm run team -- add NAME --role ROLE\n');
    for (const r of rows) {
      const revoked = r.revokedAt === null ? '' : `, revoked ${new Date(r.revokedAt).toISOString()}`;
      io.out(`${r.name}\t${r.role}\t${r.sessions} open session${r.sessions === 1 ? '' : 's'}${revoked}\n`);
    }
    return 0;
  }
  const audit = await AuditLog.open(o.storage.records('audit'));
  try {
    if (command === 'add') {
      const role = RoleSchema.safeParse(roleText);
      if (!role.success) throw new UsageError(roleText === undefined ? `add needs --role (${ROLES.join(', ')})` : `--role: "${roleText}" is not a role; roles are ${ROLES.join(', ')}`);
      const before = directory.roleOf(name);
      await directory.setOperator(name, role.data, by);
      const summary = before === null ? `${by} added ${name} to the team as ${role.data}` : before === role.data ? `${by} confirmed ${name} as ${role.data}` : `${by} changed ${name}'s role from ${before} to ${role.data}`;
      await audit.append({ type: 'team', operator: by, summary, data: { name, role: role.data, before } });
    } else if (command === 'revoke') {
      await directory.revoke(name, by);
      await audit.append({ type: 'team', operator: by, summary: `${by} revoked ${name}'s sessions and sign-in links`, data: { name } });
      io.out(`${name}'s sessions and unused sign-in links are ended; their open windows are signed out within seconds.\n`);
      return 0;
    }
    const link = await directory.issueLink(name, by);
    await audit.append({ type: 'team', operator: by, summary: `${by} issued a sign-in link for ${name}`, data: { name, expiresAt: new Date(link.expiresAt).toISOString() } });
    const address = new URL('/signin', teamPublicUrl(o.team));
    address.searchParams.set('code', link.code);
    io.out(
      `Sign-in link for ${name} (${directory.roleOf(name)}), usable once until ${new Date(link.expiresAt).toISOString()}:\n${address.href}\nSend it to ${name} alone, by a private channel.\n`,
    );
    return 0;
  } finally {
    await audit.close();
  }
}

function readConfig(path: string | undefined, cwd: string): LaunchConfig {
  if (!path) throw new ConfigError('no launch configuration: pass --config launch.json (team mode is set up in its "team" section)');
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read launch configuration ${full}: ${(e as Error).message}`);
  }
  return parseLaunchConfig(text, full);
}

function safeLogin(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
