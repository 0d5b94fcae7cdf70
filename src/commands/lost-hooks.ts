import type { HooksPlace } from '../git/repo.js';
import { lostHooksWarning } from '../hooks/status.js';
import { printable } from '../report/printable.js';

/**
 * Says on stderr, after a scan's report, when keyguard was installed in this repository and git no longer
 * runs its hooks: a scan is where people look, and a hook that no longer runs says nothing.
 */
export function warnOfLostHooks(place: HooksPlace | null, cwd: string): void {
  const warning = lostHooksWarning(place, cwd);
  // printable: the paths come from the repository's config, which may hold an escape sequence.
  if (warning) process.stderr.write(`keyguard: warning: ${printable(warning)}\n`);
}
