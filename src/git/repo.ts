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
