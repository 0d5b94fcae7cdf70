import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { gitAnswer } from './prestart.js';

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

const PLACES = ['--is-bare-repository', '--git-common-dir', '--show-toplevel', '--git-path', 'hooks'];

/**
 * Reads rev-parse's answers to PLACES. In a bare repository git fails --show-toplevel, and answers nothing
 * after it (git before 2.25 answered nothing for it and went on); likewise in the git directory.
 */
function placesOf([bare, commonDir, ...rest]: string[], cwd: string): { root: string | null; hooksPlace: HooksPlace | null } {
  const [root, ...hooks] = bare === 'true' ? ['', ...rest] : rest;
  return { root: root || null, hooksPlace: hooksPlaceOf(commonDir, hooks, cwd) };
}

/** rev-parse's answers, line by line, whether it succeeded or failed part way. */
const answers = (stdout: string | null | undefined) => (stdout ? stdout.replace(/\n$/, '').split('\n') : []);

/** gitOutput without holding Node's thread (see gitAnswer: one bin/keyguard started is read instead). */
export async function gitOutputLater(args: string[], cwd: string): Promise<string | null> {
  const { status, stdout } = await gitAnswer(args, cwd);
  return status === 0 ? stdout.trim() : null;
}

/**
 * Whether the repository is a shallow clone; false when git cannot tell (used for advice, not verdicts).
 * A plain git, not simple-git: a history scan asks once the history is read, and loading simple-git then cost
 * ~30 ms of Node's thread just as git log began to write.
 */
export const isShallow = (cwd: string) => gitOutput(['rev-parse', '--is-shallow-repository'], cwd) === 'true';

/**
 * workTreeRoot, isShallow and the HooksPlace in one git that runs while the caller goes on (a history scan asks
 * as it starts, while its git log has begun to write, and a git waited for holds Node's thread ~5 ms). The
 * scans warn from the HooksPlace when keyguard's hooks no longer run (hooks/status.ts): it costs them no git.
 * All null (and not shallow) outside a repository.
 */
export async function repositoryShape(cwd: string): Promise<{ root: string | null; shallow: boolean; hooksPlace: HooksPlace | null }> {
  const [shallow, ...places] = answers((await gitAnswer(SHAPE_ARGS, cwd)).stdout);
  return { shallow: shallow === 'true', ...placesOf(places, cwd) };
}

/** What repositoryShape asks (bin/keyguard starts it early for a history scan: see prestart.ts). */
export const SHAPE_ARGS = ['rev-parse', '--is-shallow-repository', ...PLACES];

/** What git's walk of `revisions` starts from (HEAD and, for --all, every ref), and whether the clone is shallow. */
export const walkStartArgs = (revisions: readonly string[]) => ['rev-parse', '--is-shallow-repository', 'HEAD', ...revisions];
