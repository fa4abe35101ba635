import { safeStorage } from 'electron';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ConsolePush, PdfFile, RoutingTokenStatus } from '../../shared/bridge.js';
import type { LaunchConfig } from '../../shared/config.js';
import { DeskSignInError, signInWithLink, type DeskSession } from '../core/alone/desk-sign-in.js';
import { TeamClient } from '../core/alone/team-client.js';
import { writeFileAtomic } from '../core/storage/atomic-file.js';
import { providerWithStoredToken, type RoutingTokenStore } from './token-store.js';

/**
 * The desktop app as one desk of a team: instead of a console of its own it signs in to the
 * team's console server and shows what the server sends. It keeps two secrets encrypted with
 * the system keychain (safeStorage): the session cookie, and the routing provider's token it
 * uses only when the server cannot be reached and the operator pauses, falls back or stops alone.
 */

export const TEAM_SERVER_FLAG = '--team-server';
export const TEAM_SERVER_ENV = 'LAUNCH_TEAM_SERVER';
export const SESSION_FILE_NAME = 'team-session.bin';
/** The journal of actions taken alone, in the launch's data folder. */
export const ALONE_FOLDER = 'alone';

/** A team desk that cannot start: said to the operator in a dialog, with what to do. */
export class TeamDeskError extends Error {
  override readonly name = 'TeamDeskError';
}

/**
 * Takes `--team-server <address or sign-in link>` (or LAUNCH_TEAM_SERVER) out of the command line,
 * leaving the flags every host shares to the launch options.
 */
export function takeTeamServerArg(argv: readonly string[], env: NodeJS.ProcessEnv): { argv: string[]; teamServer: string | null } {
  const rest: string[] = [];
  let teamServer: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === TEAM_SERVER_FLAG) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new TeamDeskError(`${TEAM_SERVER_FLAG} needs the team server's address or a sign-in link`);
      teamServer = value;
      i++;
    } else if (arg.startsWith(`${TEAM_SERVER_FLAG}=`)) {
      teamServer = arg.slice(TEAM_SERVER_FLAG.length + 1);
    } else rest.push(arg);
  }
  teamServer ??= env[TEAM_SERVER_ENV] || null;
  if (teamServer === '') throw new TeamDeskError(`${TEAM_SERVER_FLAG} needs the team server's address or a sign-in link`);
  return { argv: rest, teamServer };
}

/** Whether the system keychain really encrypts (Linux without a keyring falls back to a key built into Chromium). */
function keychainAvailable(): boolean {
  return safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
}

export interface TeamSessionStore {
  current(): DeskSession | null;
  store(session: DeskSession): void;
  forget(): void;
  /** Whether it outlives the app (kept encrypted), or is held in memory only. */
  readonly keptEncrypted: boolean;
}

/** The session cookie, encrypted with the system keychain in the data folder; in memory only where there is none. */
export function openTeamSessionStore(dataDir: string): TeamSessionStore {
  const file = join(dataDir, SESSION_FILE_NAME);
  const keychain = keychainAvailable();
  let session: DeskSession | null = null;
  if (keychain && existsSync(file)) {
    try {
      const parsed = JSON.parse(safeStorage.decryptString(Buffer.from(readFileSync(file, 'utf8'), 'base64'))) as DeskSession;
      if (typeof parsed.serverUrl === 'string' && typeof parsed.cookie === 'string') session = parsed;
    } catch {
      // A session that cannot be read is as good as none: the operator signs in again.
      session = null;
    }
  }
  return {
    keptEncrypted: keychain,
    current: () => session,
    store(next) {
      if (keychain) writeFileAtomic(file, safeStorage.encryptString(JSON.stringify(next)).toString('base64'));
      session = next;
    },
    forget() {
      session = null;
      rmSync(file, { force: true });
    },
  };
}

/** What main.ts drives, whichever the core: the bridge, its pushes, start and stop. */
export interface DeskCore {
  dispatch(channel: unknown, request: unknown): Promise<unknown>;
  onPush(listener: (push: ConsolePush) => void): () => void;
  start(): void;
  stop(): Promise<void>;
}

export interface TeamDeskOptions {
  /** The team server's address (http(s)://host:port), or a sign-in link to it. */
  teamServer: string;
  dataDir: string;
  config: LaunchConfig;
  tokens: RoutingTokenStore;
  splitterToken?: string | undefined;
  /** Prints a report's HTML as the desktop app does; the server builds it. */
  printToPdf(html: string): Promise<Buffer>;
  log?(line: string): void;
}

function isSignInLink(address: string): boolean {
  try {
    const url = new URL(address);
    return url.pathname === '/signin' && url.searchParams.has('code');
  } catch {
    return false;
  }
}

function originOf(address: string): string {
  try {
    const url = new URL(address);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.origin;
  } catch {
    throw new TeamDeskError(`${TEAM_SERVER_FLAG} must be the team server's address (https://host:port) or a sign-in link, not "${address}"`);
  }
}

/** Signs in (a link) or takes the kept session (an address), and connects to the team server. */
export async function openTeamDesk(options: TeamDeskOptions): Promise<DeskCore> {
  const sessions = openTeamSessionStore(options.dataDir);
  let session: DeskSession;
  if (isSignInLink(options.teamServer)) {
    try {
      session = await signInWithLink(options.teamServer);
    } catch (e) {
      throw new TeamDeskError(e instanceof DeskSignInError ? e.message : `signing in failed: ${(e as Error).message}`);
    }
    sessions.store(session);
  } else {
    const wanted = originOf(options.teamServer);
    const kept = sessions.current();
    if (!kept || kept.serverUrl !== wanted) {
      throw new TeamDeskError(
        `this desk has no session with the team server ${wanted}${sessions.keptEncrypted ? '' : ' (this system has no keychain, so none outlives the app)'}: start it once with ${TEAM_SERVER_FLAG} <the sign-in link an admin sent you>`,
      );
    }
    if (kept.expiresAt !== null && kept.expiresAt <= Date.now()) {
      sessions.forget();
      throw new TeamDeskError(`this desk's session with ${wanted} ended at ${new Date(kept.expiresAt).toISOString()}: start it with ${TEAM_SERVER_FLAG} <a new sign-in link from an admin>`);
    }
    session = kept;
  }
  const { tokens } = options;
  const status = (): RoutingTokenStatus => {
    const s = tokens.status();
    return { ...s, note: `Used by this desk only to pause, fall back or stop alone while the team server is unreachable. ${s.note}` };
  };
  let client: TeamClient | null = null;
  client = await TeamClient.open({
    serverUrl: session.serverUrl,
    cookie: session.cookie,
    config: options.config,
    provider: providerWithStoredToken(options.config, tokens, options.splitterToken),
    aloneDir: join(options.dataDir, ALONE_FOLDER),
    desk: hostname(),
    secrets: [tokens.current() ?? ''].filter((s) => s !== ''),
    ...(options.log ? { log: options.log } : {}),
    local: {
      'routing:token-status': () => status(),
      'routing:set-token': ({ token }) => {
        tokens.store(token);
        client?.journal.addSecret(token);
        return status();
      },
      'report:pdf': async (span): Promise<PdfFile> => {
        if (!client) throw new Error('report:pdf: the desk is not connected yet');
        const file = await client.invoke('report:build', span);
        const pdf = await options.printToPdf(file.content);
        return { fileName: file.fileName.replace(/\.html$/, '.pdf'), mimeType: 'application/pdf', base64: pdf.toString('base64') };
      },
    },
  });
  const desk = client;
  return {
    dispatch: (channel, request) => desk.dispatch(channel, request),
    onPush: (listener) => desk.onPush(listener),
    // The client connects as it opens; nothing more to start.
    start: () => undefined,
    stop: () => desk.close(),
  };
}
