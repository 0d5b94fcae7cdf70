import { execFileSync } from 'node:child_process';

/** git's stdout, trimmed; null when git exits non-zero (an unset config key, a missing object, no repository). */
export function gitOutput(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
