import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

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

/** Where git finds a repository's hooks, and its git directory (shared by linked worktrees). */
export interface HooksPlace {
  /** `git rev-parse --git-path hooks`: core.hooksPath (relative to the work tree, `~` expanded), else hooks/ in the git directory */
  hooks: string;
  commonDir: string;
}

/**
 * The HooksPlace from rev-parse's answers to --git-common-dir and to --git-path hooks, asked last: a
 * core.hooksPath may hold a newline, and then runs over several lines, all of them its own.
 */
function hooksPlaceOf(commonDir: string | undefined, hooks: string[], cwd: string): HooksPlace | null {
  const path = hooks.join('\n');
  return commonDir && path ? { hooks: resolve(cwd, path), commonDir: resolve(cwd, commonDir) } : null;
}

/** The HooksPlace of the repository holding `cwd`; null outside one. */
export function hooksPlace(cwd: string): HooksPlace | null {
  const [commonDir, ...hooks] = gitOutput(['rev-parse', '--git-common-dir', '--git-path', 'hooks'], cwd)?.split('\n') ?? [];
  return hooksPlaceOf(commonDir, hooks, cwd);
}

/**
 * Whether the repository is a shallow clone; false when git cannot tell (used for advice, not verdicts).
 * A plain git, not simple-git: a history scan asks once the history is read, and loading simple-git then cost
 * ~30 ms of Node's thread just as git log began to write.
 */
export const isShallow = (cwd: string) => gitOutput(['rev-parse', '--is-shallow-repository'], cwd) === 'true';

/**
 * workTreeRoot and isShallow in one git that runs while the caller goes on (a history scan asks as it starts,
 * while its git log has begun to write, and a git waited for holds Node's thread ~5 ms). In a bare repository
 * git answers the first question, then fails the second: no work tree.
 */
export function repositoryShape(cwd: string): Promise<{ root: string | null; shallow: boolean }> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--is-shallow-repository', '--show-toplevel'], { cwd, encoding: 'utf8' }, (error, stdout) => {
      const [shallow, root] = stdout.trim().split('\n');
      resolve({ root: !error && root ? root : null, shallow: shallow === 'true' });
    });
  });
}
