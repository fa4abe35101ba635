import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One writer per data folder. Two consoles on one folder fork the audit log's hash chain and
 * re-send each other's pending routing actions, so whichever host starts second (desktop app,
 * web host, `npm start`) refuses, naming the process that holds the folder.
 */

export const LOCK_FILE_NAME = 'console.lock';

export type HostKind = 'desktop app' | 'web host' | 'console server';

export interface LockHolder {
  pid: number;
  host: HostKind;
  hostname: string;
  /** ISO time the holder started. */
  startedAt: string;
  /** Linux boot id: a pid from before a reboot names some other process, never the holder. */
  bootId: string | null;
}

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.hostname === hostname() ? '' : ` on ${holder.hostname}`;
    super(
      `the data folder ${dataDir} is in use by another console: ${holder.host}, pid ${holder.pid}${where}, started ${holder.startedAt}. ` +
        'Stop that console first, or choose another folder with --data-dir.',
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof raw.pid !== 'number' || typeof raw.startedAt !== 'string') return null;
    return {
      pid: raw.pid,
      host: raw.host ?? 'web host',
      hostname: raw.hostname ?? hostname(),
      startedAt: raw.startedAt,
      bootId: raw.bootId ?? null,
    };
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder): boolean {
  // Another machine's process cannot be probed (a shared network folder): assume it is alive.
  if (holder.hostname !== hostname()) return true;
  const boot = currentBootId();
  if (holder.bootId && boot && holder.bootId !== boot) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    // EPERM: the pid exists but belongs to someone else; only ESRCH proves it is gone.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The live process holding the folder, or null when it is free (or held by a dead process). */
export function dataDirHolder(dataDir: string): LockHolder | null {
  const holder = readHolder(join(dataDir, LOCK_FILE_NAME));
  return holder && isAlive(holder) ? holder : null;
}

/**
 * Takes the folder for this process, creating it if needed; throws DataDirLockedError when a
 * live process holds it. A lock left by a process that died (kill -9, a crash, a reboot) is
 * taken over. The lock is released by `release()` and, failing that, when this process exits.
 */
export function acquireDataDirLock(dataDir: string, host: HostKind, now: () => number = Date.now): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE_NAME);
  const mine: LockHolder = {
    pid: process.pid,
    host,
    hostname: hostname(),
    startedAt: new Date(now()).toISOString(),
    bootId: currentBootId(),
  };
  // Written whole under a private name and linked into place: the lock appears atomically and
  // complete, so a reader never sees a half-written file and mistakes it for a stale one.
  const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        placeLock(draft, path);
        const inode = statSync(path).ino;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          process.off('exit', release);
          try {
            // Only our own lock: after a takeover the file may belong to someone else.
            if (statSync(path).ino === inode) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        };
        process.on('exit', release);
        return { path, release };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(path);
      if (holder && isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
      removeStale(path);
    }
    throw new Error(`cannot take the data folder ${dataDir}: its lock ${path} keeps changing under this process`);
  } finally {
    try {
      unlinkSync(draft);
    } catch {
      // The draft is only a name for the link; if it is already gone there is nothing to tidy.
    }
  }
}

/** Links the complete draft into place; where the file system has no hard links, creates the lock exclusively. */
function placeLock(draft: string, path: string): void {
  try {
    linkSync(draft, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    writeFileSync(path, readFileSync(draft), { flag: 'wx' });
  }
}

/**
 * Moves a dead holder's lock aside. Two processes may judge the same lock stale at once; the
 * inode tells whether the file moved is still the stale one, and a live lock taken by mistake
 * is put back before anyone acts on its absence.
 */
function removeStale(path: string): void {
  let staleInode: number;
  try {
    staleInode = statSync(path).ino;
  } catch {
    return;
  }
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (statSync(aside).ino !== staleInode) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process took the folder meanwhile; the retry reads and reports it.
    }
  }
  unlinkSync(aside);
}
