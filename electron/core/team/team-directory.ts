import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { RoleSchema, type Role } from '../../../shared/team.js';
import { Serial } from '../lib/serial.js';
import type { RecordLog } from '../storage/ports.js';

/**
 * The team's operators, their sign-in links and their sessions, kept as an append-only log that
 * the admin command and every console server write and read: a new operator added from the
 * command line is known to a running server at its next look, and nothing is ever rewritten.
 * Only hashes of links and sessions are stored: reading the database does not let anyone in.
 */

const name = z.string().min(1).max(200);
const at = z.number();
const hash = z.string().regex(/^[0-9a-f]{64}$/);

export const DirectoryRecordSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('operator'), name, role: RoleSchema, at, by: name }),
  z.strictObject({ kind: z.literal('link'), name, codeHash: hash, expiresAt: at, at, by: name }),
  z.strictObject({ kind: z.literal('session'), name, sessionHash: hash, codeHash: hash, at, endsAt: at }),
  /** Ends every session and unused link the operator had; the operator stays, with a new link to come back. */
  z.strictObject({ kind: z.literal('revoke'), name, at, by: name }),
  z.strictObject({ kind: z.literal('sign-out'), sessionHash: hash, at }),
  /** A session in use, written now and then: another instance taking the operator's window over knows it is not idle. */
  z.strictObject({ kind: z.literal('seen'), sessionHash: hash, at }),
]);
export type DirectoryRecord = z.infer<typeof DirectoryRecordSchema>;

export interface DirectoryTimes {
  sessionIdleMin: number;
  sessionMaxHours: number;
  signInLinkMin: number;
}

interface Link {
  name: string;
  expiresAt: number;
  at: number;
  used: boolean;
}

interface Session {
  name: string;
  at: number;
  endsAt: number;
  signedOut: boolean;
}

export interface SignedIn {
  sessionId: string;
  name: string;
  role: Role;
  endsAt: number;
}

export type Authentication = { ok: true; name: string; role: Role; endsAt: number } | { ok: false; why: string };

export interface OperatorListing {
  name: string;
  role: Role;
  sessions: number;
  revokedAt: number | null;
}

export class DirectoryError extends Error {}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const secret = () => randomBytes(32).toString('base64url');

export const NOT_SIGNED_IN = 'sign in first: open the sign-in link an admin gave you (npm run team -- link NAME makes a new one)';

export class TeamDirectory {
  private readonly roles = new Map<string, Role>();
  private readonly revokedAt = new Map<string, number>();
  private readonly links = new Map<string, Link>();
  private readonly sessions = new Map<string, Session>();
  /** The position of the last record read: the next read starts past it. */
  private readUpTo = 0;
  /** When each session was last used, here or (as far as the log says) on another instance. */
  private readonly lastUsed = new Map<string, number>();
  /** When this instance last wrote that a session was in use. */
  private readonly lastWritten = new Map<string, number>();
  private readonly serial = new Serial();
  /** Records of the log that were not of a known shape: kept out of the directory and reported. */
  damaged = 0;

  private constructor(
    private readonly log: RecordLog,
    private readonly times: DirectoryTimes,
    private readonly now: () => number,
  ) {}

  static async open(log: RecordLog, times: DirectoryTimes, now: () => number = Date.now): Promise<TeamDirectory> {
    const directory = new TeamDirectory(log, times, now);
    await directory.refresh();
    return directory;
  }

  /** Reads the log again: what the admin command or another server wrote since is known from now on. */
  refresh(): Promise<void> {
    return this.serial.run(() => this.load());
  }

  roleOf(name: string): Role | null {
    return this.roles.get(name) ?? null;
  }

  list(): OperatorListing[] {
    const now = this.now();
    return [...this.roles.entries()]
      .map(([name, role]) => ({
        name,
        role,
        sessions: [...this.sessions.entries()].filter(([h, s]) => s.name === name && this.sessionProblem(h, s, now) === null).length,
        revokedAt: this.revokedAt.get(name) ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Adds an operator, or changes the role of one the team has; resolves once it is stored. */
  setOperator(name: string, role: Role, by: string): Promise<void> {
    return this.append({ kind: 'operator', name: name.trim(), role, at: this.now(), by });
  }

  /** A one-time sign-in code for a known operator, valid for the configured minutes. */
  async issueLink(name: string, by: string): Promise<{ code: string; expiresAt: number }> {
    await this.refresh();
    if (!this.roles.has(name)) throw new DirectoryError(`"${name}" is not an operator of this team: add them first (npm run team -- add NAME --role ROLE)`);
    const code = secret();
    const now = this.now();
    const expiresAt = now + this.times.signInLinkMin * 60_000;
    await this.append({ kind: 'link', name, codeHash: sha256(code), expiresAt, at: now, by });
    return { code, expiresAt };
  }

  /** Exchanges a sign-in code for a session, once: a second use of the same link is refused. */
  async signIn(code: string): Promise<SignedIn> {
    await this.refresh();
    return this.serial.run(async () => {
      const codeHash = sha256(code);
      const link = this.links.get(codeHash);
      const now = this.now();
      if (!link) throw new DirectoryError('this sign-in link is not known here: ask an admin for a new one');
      if (link.used) throw new DirectoryError('this sign-in link was used already (each link signs in once): ask an admin for a new one');
      if (now > link.expiresAt) throw new DirectoryError('this sign-in link expired: ask an admin for a new one');
      const revoked = this.revokedAt.get(link.name);
      if (revoked !== undefined && revoked >= link.at) throw new DirectoryError(`${link.name}'s access was revoked after this link was made: ask an admin for a new one`);
      const role = this.roles.get(link.name);
      if (!role) throw new DirectoryError(`"${link.name}" is no longer an operator of this team`);
      const sessionId = secret();
      const sessionHash = sha256(sessionId);
      const endsAt = now + this.times.sessionMaxHours * 3_600_000;
      await this.write({ kind: 'session', name: link.name, sessionHash, codeHash, at: now, endsAt });
      this.lastUsed.set(sessionHash, now);
      return { sessionId, name: link.name, role, endsAt };
    });
  }

  /** Whether a session may act now, and as whom; a refusal says why in words the operator can act on. */
  authenticate(sessionId: string | undefined): Authentication {
    if (!sessionId) return { ok: false, why: NOT_SIGNED_IN };
    const h = sha256(sessionId);
    const session = this.sessions.get(h);
    if (!session) return { ok: false, why: NOT_SIGNED_IN };
    const problem = this.sessionProblem(h, session, this.now());
    if (problem) return { ok: false, why: problem };
    const role = this.roles.get(session.name);
    if (!role) return { ok: false, why: `"${session.name}" is no longer an operator of this team` };
    return { ok: true, name: session.name, role, endsAt: session.endsAt };
  }

  /**
   * Marks the session used now: the idle timeout counts from its last use. The log hears of it a
   * few times per idle period, so a window that moves to another instance is not taken for idle.
   */
  touch(sessionId: string): void {
    const h = sha256(sessionId);
    if (!this.sessions.has(h)) return;
    const now = this.now();
    this.lastUsed.set(h, now);
    if (now - (this.lastWritten.get(h) ?? 0) < (this.times.sessionIdleMin * 60_000) / 4) return;
    this.lastWritten.set(h, now);
    void this.append({ kind: 'seen', sessionHash: h, at: now }).catch(() => this.lastWritten.delete(h));
  }

  signOut(sessionId: string): Promise<void> {
    return this.append({ kind: 'sign-out', sessionHash: sha256(sessionId), at: this.now() });
  }

  revoke(name: string, by: string): Promise<void> {
    if (!this.roles.has(name)) return Promise.reject(new DirectoryError(`"${name}" is not an operator of this team`));
    return this.append({ kind: 'revoke', name, at: this.now(), by });
  }

  private sessionProblem(h: string, s: Session, now: number): string | null {
    if (s.signedOut) return 'you signed out: open a new sign-in link to come back';
    const revoked = this.revokedAt.get(s.name);
    if (revoked !== undefined && revoked >= s.at) return 'your access was revoked by an admin: ask them for a new sign-in link';
    if (now >= s.endsAt) return `your session ended after ${this.times.sessionMaxHours} h: ask an admin for a new sign-in link`;
    const used = Math.max(s.at, this.lastUsed.get(h) ?? s.at);
    if (now - used > this.times.sessionIdleMin * 60_000) return `your session ended after ${this.times.sessionIdleMin} min without use: ask an admin for a new sign-in link`;
    return null;
  }

  private append(record: DirectoryRecord): Promise<void> {
    return this.serial.run(() => this.write(record));
  }

  /** Stored first, then known: a record the database refused never lets anyone in. */
  private async write(record: DirectoryRecord): Promise<void> {
    await this.log.append(record);
    this.apply(record);
  }

  /** Reads what was appended since the last read: records apply the same however often they are read. */
  private async load(): Promise<void> {
    await this.log.scan((stored) => {
      this.readUpTo = Math.max(this.readUpTo, stored.position);
      const parsed = 'value' in stored ? DirectoryRecordSchema.safeParse(stored.value) : null;
      if (parsed?.success) this.apply(parsed.data);
      else this.damaged += 1;
    }, this.readUpTo);
  }

  private apply(r: DirectoryRecord): void {
    switch (r.kind) {
      case 'operator':
        this.roles.set(r.name, r.role);
        return;
      case 'link':
        if (!this.links.has(r.codeHash)) this.links.set(r.codeHash, { name: r.name, expiresAt: r.expiresAt, at: r.at, used: false });
        return;
      case 'session': {
        const link = this.links.get(r.codeHash);
        if (link) link.used = true;
        if (!this.sessions.has(r.sessionHash)) this.sessions.set(r.sessionHash, { name: r.name, at: r.at, endsAt: r.endsAt, signedOut: false });
        return;
      }
      case 'revoke':
        this.revokedAt.set(r.name, Math.max(this.revokedAt.get(r.name) ?? 0, r.at));
        return;
      case 'sign-out': {
        const s = this.sessions.get(r.sessionHash);
        if (s) s.signedOut = true;
        return;
      }
      case 'seen':
        this.lastUsed.set(r.sessionHash, Math.max(this.lastUsed.get(r.sessionHash) ?? 0, r.at));
    }
  }
}
