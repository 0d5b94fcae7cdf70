import { execFileSync } from 'node:child_process';

/**
 * git's stdout, trimmed; null when git exits non-zero (an unset config key, a missing object, no repository).
 * A plain child process rather than simple-git for the queries on the commit-hook path: loading simple-git
 * costs ~30 ms of the hook's budget.
 */
export function gitOutput(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The top of the work tree that holds `cwd`, or null outside a repository (or in a bare one). */
export function workTreeRoot(cwd: string): string | null {
  return gitOutput(['rev-parse', '--show-toplevel'], cwd) || null;
}

/**
 * Whether the repository is a shallow clone; false when git cannot tell (used for advice, not verdicts).
 * A plain git, not simple-git: a history scan asks once the history is read, and loading simple-git then cost
 * ~30 ms of Node's thread just as git log began to write.
 */
export const isShallow = (cwd: string) => gitOutput(['rev-parse', '--is-shallow-repository'], cwd) === 'true';
