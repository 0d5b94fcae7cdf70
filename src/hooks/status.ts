// Whether git runs keyguard for each hook now: hooks installed once stop running, silently, when something
// changes core.hooksPath (husky's `prepare` script on every npm install, a team's config, a dotfiles manager's
// global hooks) or replaces the hooks directory. `keyguard install --check` reports it hook by hook, and the
// scans warn (see lostHooksWarning); the hooks themselves never pay for it.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { messageOf } from '../errors.js';
import type { HooksPlace } from '../git/repo.js';
import { installedPlaces } from './record.js';
import { BLOCK_START, HOOK_NAMES, type HookName, SCRIPT_MARKER, shQuote } from './scripts.js';
import { hookPlace, huskyDirOf, readText } from './target.js';

/** What makes a hook run keyguard again, as the user types it. */
export type Fix = 'install' | 'husky' | { chmod: string };

export interface HookVerdict {
  name: HookName;
  runs: boolean;
  /** how git comes to run keyguard, or why it does not, paths as `show` gives them */
  reason: string;
  fix?: Fix;
}

const isExecutableFile = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** What the pre-commit framework writes in the hooks it installs; it runs `<hook>.legacy` (keyguard's, renamed) first. */
const PRE_COMMIT_FRAMEWORK = 'https://pre-commit.com';

/** Why git runs no file for the hook at `file`, and what changes that. */
function nothingRun(file: string, name: HookName, husky: string | null, show: (path: string) => string): Omit<HookVerdict, 'name'> {
  const stat = statSync(file, { throwIfNoEntry: false });
  // husky writes .husky/_ in each clone and worktree (`npx husky`, which npm install runs): it is never committed.
  const huskyShim = husky !== null && file !== join(husky, name);
  if (stat?.isFile()) {
    // keyguard install makes its own script executable again, or chains another file; it leaves a husky file's
    // mode, and a <hook>.d directory's runner, as they are.
    const reinstall = !husky && hookPlace(dirname(file), name).chainable;
    return { runs: false, reason: `${show(file)} is not executable, so git skips it`, fix: huskyShim ? 'husky' : reinstall ? 'install' : { chmod: show(file) } };
  }
  if (stat) return { runs: false, reason: `git runs no ${name} hook: ${show(file)} is no file` };
  if (huskyShim) return { runs: false, reason: `git runs no ${name} hook: there is no ${show(file)}, husky is not set up here`, fix: 'husky' };
  const { path, chainable } = hookPlace(dirname(file), name);
  if (!chainable) return { runs: false, reason: `git runs no ${name} hook: there is no ${show(file)} to run ${show(dirname(path))}/*` };
  return { runs: false, reason: `git runs no ${name} hook: there is no ${show(file)}`, fix: 'install' };
}

function verdict(hooksDir: string, name: HookName, show: (path: string) => string): Omit<HookVerdict, 'name'> {
  const file = join(hooksDir, name);
  const husky = huskyDirOf(hooksDir);
  if (!isExecutableFile(file)) return nothingRun(file, name, husky, show);
  if (husky) {
    // husky 9 runs .husky/<hook> from .husky/_/<hook>; with husky 4 to 8, git runs .husky/<hook> itself.
    const own = join(husky, name);
    const text = readText(own);
    const runs = text?.includes(BLOCK_START) ?? false;
    const state = text === null ? 'does not exist' : runs ? "holds keyguard's lines" : 'has no keyguard lines';
    const reason = own === file ? `${show(own)} ${state}` : `${show(file)} runs ${show(own)}, which ${state}`;
    return runs ? { runs, reason } : { runs, reason, fix: 'install' };
  }
  const text = readText(file) ?? '';
  if (text.includes(SCRIPT_MARKER)) return { runs: true, reason: `${show(file)} is keyguard's hook` };
  if (text.includes(BLOCK_START)) return { runs: true, reason: `${show(file)} holds keyguard's lines` };
  const { path, chainable } = hookPlace(hooksDir, name);
  if (!chainable && readText(path)?.includes(SCRIPT_MARKER) && isExecutableFile(path)) return { runs: true, reason: `${show(file)} runs ${show(path)}, keyguard's hook` };
  const legacy = `${file}.legacy`;
  if (text.includes(PRE_COMMIT_FRAMEWORK) && readText(legacy)?.includes(SCRIPT_MARKER) && isExecutableFile(legacy)) {
    return { runs: true, reason: `${show(file)} (the pre-commit framework's) runs ${show(legacy)}, keyguard's hook` };
  }
  return { runs: false, reason: `git runs ${show(file)}, which does not run keyguard`, fix: 'install' };
}

/** Paths as the user reads them: relative to `cwd` (as git shows them) when that is shorter, else whole. */
export function shownFrom(cwd: string): (path: string) => string {
  return (path) => {
    const near = relative(cwd, path);
    return near && !isAbsolute(near) && near.length < path.length ? near : path;
  };
}

/** For each of keyguard's hooks, whether git runs keyguard through the hooks directory git uses. */
export function hookVerdicts(hooksDir: string, show: (path: string) => string = (path) => path): HookVerdict[] {
  return HOOK_NAMES.map((name) => {
    try {
      return { name, ...verdict(hooksDir, name, show) };
    } catch (error) {
      return { name, runs: false, reason: `cannot read the ${name} hook (${messageOf(error)})`, fix: 'install' };
    }
  });
}

/** The commands that make the hooks run keyguard again, in the order to run them. */
export function fixCommands(fixes: readonly Fix[], huskyFiles: boolean): string[] {
  const commands = new Set<string>();
  // keyguard install first: husky then finds keyguard's lines in place.
  if (fixes.includes('install')) commands.add(`run \`keyguard install\`${huskyFiles ? " (it adds keyguard's lines to the files in .husky: commit them)" : ''}`);
  if (fixes.includes('husky')) commands.add('run `npx husky` (npm install runs it, through the prepare script)');
  for (const fix of fixes) if (typeof fix === 'object') commands.add(`run \`chmod +x ${/^[\w@%+=:,./-]+$/.test(fix.chmod) ? fix.chmod : shQuote(fix.chmod)}\``);
  return [...commands];
}

/**
 * A one-line warning when keyguard was installed in the repository whose hooks git finds at `place` and git no
 * longer runs one of its hooks; null otherwise, or when anything goes wrong (a warning must never fail a scan).
 * A few small files read: `place` comes from a git the caller runs anyway (repositoryShape).
 */
export function lostHooksWarning(place: HooksPlace | null, cwd: string): string | null {
  try {
    if (!place || !installedPlaces(place.commonDir).length) return null;
    const lost = hookVerdicts(place.hooks).filter((hook) => !hook.runs);
    if (!lost.length) return null;
    const fixes = fixCommands(lost.flatMap((hook) => hook.fix ?? []), huskyDirOf(place.hooks) !== null);
    const names = lost.map((hook) => hook.name).join(', ');
    const fix = fixes.length ? `To fix: ${fixes.join(', then ')}; ` : '';
    return `git no longer runs keyguard's ${names} hook${lost.length > 1 ? 's' : ''} here (it reads hooks from ${shownFrom(cwd)(place.hooks)}). ${fix}\`keyguard install --check\` says more`;
  } catch {
    return null;
  }
}
