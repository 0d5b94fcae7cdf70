// `keyguard install --check`: whether git runs keyguard for each hook now, found as git finds its hooks.
import { readdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { gitOutput, hooksPlace } from '../git/repo.js';
import { holdsKeyguard, installedPlaces } from '../hooks/record.js';
import { CHAINED_SUFFIX } from '../hooks/scripts.js';
import { fixCommands, hookVerdicts, shownFrom } from '../hooks/status.js';
import { huskyDirOf } from '../hooks/target.js';
import { printable } from '../report/printable.js';

const realPath = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/** Where core.hooksPath is set and to what, as `git config --show-origin` says; null when it is not set. */
function hooksPathOrigin(cwd: string): string | null {
  const origin = gitOutput(['config', '--show-origin', '--get', 'core.hooksPath'], cwd);
  if (!origin) return null;
  const [where, value] = origin.split('\t');
  return `core.hooksPath ${value}, set in ${where.replace(/^file:/, '')}`;
}

/** Prints one line per hook, and what to do when one does not run keyguard; returns the exit code. */
export function checkHooks(cwd: string): number {
  const where = hooksPlace(cwd);
  if (!where) throw new UsageError('not in a git repository: cd into one first (--check looks at the hooks git runs there)');
  const show = shownFrom(cwd);
  // printable: the paths come from the repository's config, which may hold a newline or an escape sequence.
  const say = (line: string) => process.stdout.write(`keyguard: ${printable(line)}\n`);
  const origin = hooksPathOrigin(cwd);
  say(`git reads this repository's hooks from ${show(where.hooks)}${origin ? ` (${origin})` : ''}`);
  const verdicts = hookVerdicts(where.hooks, show);
  for (const hook of verdicts) say(`${hook.name}: ${hook.runs ? 'keyguard runs' : 'keyguard does NOT run'}: ${hook.reason}`);
  const lost = verdicts.filter((hook) => !hook.runs);
  if (!lost.length) return 0;
  // Whole scripts in a directory git no longer reads: what a changed core.hooksPath leaves behind.
  for (const place of installedPlaces(where.commonDir)) {
    if (place.kind !== 'hooks' || realPath(place.dir) === realPath(where.hooks) || !holdsKeyguard(place.dir)) continue;
    const chained = readdirSync(place.dir).some((file) => file.endsWith(CHAINED_SUFFIX));
    say(`keyguard's hooks in ${show(place.dir)}${chained ? ', and the hooks they chain,' : ''} no longer run: git reads hooks from ${show(where.hooks)} now`);
  }
  const fixes = fixCommands(lost.flatMap((hook) => hook.fix ?? []), huskyDirOf(where.hooks) !== null);
  process.stderr.write(`keyguard: git does not run keyguard for ${lost.map((hook) => hook.name).join(', ')}.${fixes.length ? ` To fix: ${printable(fixes.join(', then '))}.` : ''}\n`);
  return 1;
}
