import { execFileSync } from 'node:child_process';

/**
 * The top of the work tree that holds `cwd`, or null outside a repository (or in a bare one).
 * A plain child process rather than simple-git: every scan asks this first, hooks included, and loading
 * simple-git costs ~30 ms of the hook's budget.
 */
export function workTreeRoot(cwd: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() || null;
  } catch {
    return null;
  }
}
