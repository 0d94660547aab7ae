/**
 * An exclusive lock file per resource (a run's event log, a run's driver), so that two `hyperp`
 * processes on one repo cannot interleave writes. The file is created with O_EXCL and holds the
 * owner's pid and host; a lock whose owner process is gone (crash, SIGKILL) is stale and is taken
 * over, so a crash never leaves a run locked forever.
 */
import { hostname } from 'node:os';
import { openSync, closeSync, readFileSync, unlinkSync, writeSync, fsyncSync, renameSync, linkSync } from 'node:fs';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** What holds it, for messages: "driver", "append". */
  readonly purpose: string;
}

export type LockResult =
  | { readonly _tag: 'Acquired'; readonly release: () => void }
  | { readonly _tag: 'Held'; readonly owner: LockOwner };

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readOwner = (path: string): LockOwner | undefined => {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && typeof v.host === 'string') return { pid: v.pid, host: v.host, purpose: String(v.purpose ?? '') };
  } catch {
    // unreadable or half-written: treated below as a lock whose owner is unknown
  }
  return undefined;
};

/** A lock is stale when its owner ran on this host and is no longer alive. */
const isStale = (owner: LockOwner | undefined): boolean =>
  owner === undefined ? true : owner.host === hostname() && !isAlive(owner.pid);

/**
 * Who holds the lock at `path` now: its owner while alive (or on another host, where it cannot be
 * told); undefined when there is no lock or it is stale. Only reads, so it never gets in the way.
 */
export const lockHolder = (path: string): LockOwner | undefined => {
  const owner = readOwner(path);
  return owner !== undefined && !isStale(owner) ? owner : undefined;
};

/** Tries once to take the lock at `path`; takes over a stale one. Never waits. */
export const tryLock = (path: string, purpose: string): LockResult => {
  const me: LockOwner = { pid: process.pid, host: hostname(), purpose };
  for (let round = 0; round < 3; round++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify(me));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        _tag: 'Acquired',
        release: () => {
          if (released) return;
          released = true;
          const owner = readOwner(path);
          if (owner?.pid === process.pid && owner.host === me.host) {
            try { unlinkSync(path); } catch { /* already gone */ }
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(path);
      // A lock just created by another process may not have its content yet: not stale.
      if (owner === undefined && round === 0) continue;
      if (!isStale(owner)) return { _tag: 'Held', owner: owner! };
      // Rename first so that only one of several processes that saw it stale removes it.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
        const moved = readOwner(aside);
        // Between our read and the rename another process may have taken the lock over and made
        // a fresh one: put a live lock back instead of deleting it.
        if (moved !== undefined && !isStale(moved)) {
          try { linkSync(aside, path); } catch { /* a newer lock exists: leave it */ }
        }
        unlinkSync(aside);
      } catch {
        // someone else took it over first; try again
      }
    }
  }
  const owner = readOwner(path);
  return owner ? { _tag: 'Held', owner } : tryLock(path, purpose);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (polling) up to `timeoutMs` for the lock; used for short critical sections like one append.
 * A dead holder's lock is taken over at once (`tryLock`), so the wait only ever runs against a live
 * process: on a loaded machine its few milliseconds of work can stretch to seconds, and giving up
 * would lose an event of a healthy run, so the bound is generous.
 */
export const withLock = async <T>(path: string, purpose: string, f: () => T | Promise<T>, timeoutMs = 60_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = tryLock(path, purpose);
    if (r._tag === 'Acquired') {
      try {
        return await f();
      } finally {
        r.release();
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`lock ${path} is held by process ${r.owner.pid} on ${r.owner.host} (${r.owner.purpose})`);
    }
    await sleep(5 + Math.floor(Math.random() * 20));
  }
};
