import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { UsageError, messageOf } from '../errors.js';

/** How long to wait for another install to finish; one takes well under a second. */
const WAIT_MS = 30_000;
const POLL_MS = 25;
/**
 * A lock this old is stale whoever holds it: its holder died on another host or in another pid namespace, or
 * its pid now names another process. Shorter than WAIT_MS, so a waiting install gets there; were a live holder
 * that slow, its moves still never overwrite a hook (see changes.ts).
 */
const STALE_MS = 20_000;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const readOrNull = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process, still running
  }
}

/** Whether the lock holding `owner` ("pid host") was left behind by a process that is gone. */
function isStale(path: string, owner: string): boolean {
  const [pid, host] = owner.trim().split(' ');
  if (host === hostname() && Number(pid) > 0 && !alive(Number(pid))) return true;
  const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
  return age > STALE_MS;
}

/**
 * Takes a stale lock away, unless another process got there first and a live lock now stands in its place: the
 * lock is renamed aside (atomic), and put back (without overwriting) when what was renamed is not what was seen.
 */
function breakStale(path: string, owner: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // gone already
  }
  if (readOrNull(aside) !== owner) {
    try {
      linkSync(aside, path);
    } catch {
      // a newer lock is there: the one renamed aside goes
    }
  }
  unlinkSync(aside);
}

/**
 * Runs `work` holding the lock file `path`, created with O_EXCL (`wx`), so that parallel installs (a workspace's
 * `prepare` scripts) plan and apply one at a time: each sees the hooks as the last one left them. Waits for a
 * live holder; takes over from a dead one.
 */
export function withLock<T>(path: string, work: () => T): T {
  const owner = `${process.pid} ${hostname()}\n`;
  const deadline = Date.now() + WAIT_MS;
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UsageError(`${path}: cannot create the install lock (${messageOf(error)})`);
      const holder = readOrNull(path);
      if (holder !== null && isStale(path, holder)) breakStale(path, holder);
      else if (Date.now() > deadline) {
        throw new UsageError(`${path}: another keyguard install or uninstall (pid ${holder?.split(' ')[0] ?? '?'}) holds this lock; if none is running, remove the file`);
      } else sleep(POLL_MS);
      continue;
    }
    try {
      writeSync(fd, owner);
    } finally {
      closeSync(fd);
    }
    try {
      return work();
    } finally {
      // Only our own lock: had it been taken over as stale, the file is another process's now.
      if (readOrNull(path) === owner) unlinkSync(path);
    }
  }
}
