import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Change } from './changes.js';
import { BACKUP_SUFFIX, BLOCK_END, BLOCK_START, CHAINED_SUFFIX, HOOK_NAMES, type HookName, type Launcher, SCRIPT_MARKER, hookScript, huskyBlock } from './scripts.js';
import type { InstalledPlace } from './record.js';
import { type Target, hookPlace, isDirectory, readText } from './target.js';

export interface InstallOptions {
  /** replace hooks that are not keyguard's instead of refusing, keeping them as <hook>.keyguard-backup */
  force: boolean;
  /** absolute node and bin/keyguard for whole scripts; husky files (committed) find keyguard on PATH */
  launcher: Launcher;
}

export interface Plan {
  changes: Change[];
  /** hooks keyguard will not touch without --force, each a sentence naming the file */
  refusals: string[];
}

const EXECUTABLE = 0o755;
const HUSKY_SHEBANG = '#!/usr/bin/env sh\n';

const modeOf = (path: string) => lstatSync(path).mode & 0o777;

function planHookScript(target: Target & { kind: 'hooks' }, name: HookName, options: InstallOptions, plan: Plan): void {
  const { path, chainable } = hookPlace(target.dir, name);
  const chain = chainable ? { absolute: target.template ? null : path + CHAINED_SUFFIX, name: basename(path) + CHAINED_SUFFIX } : null;
  const content = hookScript(name, options.launcher, chain);
  const existing = readText(path);
  if (existing === content) {
    // git skips a hook that is not executable (a copy, a checkout, a chmod): install makes it run again.
    if (!(modeOf(path) & 0o100)) plan.changes.push({ kind: 'write', path, content, mode: EXECUTABLE, note: `made ${path} executable again` });
    return;
  }
  if (existing === null || existing.includes(SCRIPT_MARKER)) {
    plan.changes.push({ kind: 'write', path, content, mode: EXECUTABLE, note: `${existing === null ? 'installed' : 'updated'} ${path}` });
    return;
  }
  const backup = path + BACKUP_SUFFIX;
  const chained = path + CHAINED_SUFFIX;
  if (options.force && !existsSync(backup)) {
    plan.changes.push({ kind: 'move', from: path, to: backup, note: `replaced ${path} (the old hook is kept as ${backup}; uninstall puts it back)` });
  } else if (!options.force && chainable && !existsSync(chained)) {
    plan.changes.push({ kind: 'move', from: path, to: chained, note: `chained ${path}: it now lives in ${chained} and runs first` });
  } else {
    const taken = options.force ? backup : chainable ? chained : null;
    plan.refusals.push(
      taken
        ? `${path} is not keyguard's and ${taken} is taken: move one of them away, then run keyguard install again`
        : `${path} is not keyguard's: rerun with --force to replace it (it is kept as ${backup})`,
    );
    return;
  }
  plan.changes.push({ kind: 'write', path, content, mode: EXECUTABLE, note: `installed ${path}` });
}

/**
 * The text of a husky file without keyguard's block (if it has one), and where the block stood. A block whose
 * end line is gone (a conflict resolution, an edit) gives `broken`: keyguard cannot tell where its lines end
 * and the user's begin, and removes none of them.
 */
function splitBlock(text: string): { rest: string; at: number } | 'broken' | null {
  const start = text.indexOf(BLOCK_START);
  if (start === -1) return null;
  const endMarker = text.indexOf(BLOCK_END, start);
  if (endMarker === -1) return 'broken';
  const end = text.indexOf('\n', endMarker) + 1 || text.length;
  return { rest: text.slice(0, start) + text.slice(end), at: start };
}

const brokenBlock = (path: string, command: string) =>
  `${path}: keyguard's block has lost its end line "${BLOCK_END}", so keyguard cannot tell its lines from yours and changes none of them: put that line back after keyguard's last line (or remove the block by hand), then run keyguard ${command} again`;

/** Where a block goes in a file that has none: after the shebang, before the file's own lines (which may exit). */
function blockPosition(text: string): number {
  return text.startsWith('#!') ? text.indexOf('\n') + 1 || text.length : 0;
}

function planHuskyFile(dir: string, name: HookName, plan: Plan): void {
  const path = join(dir, name);
  const block = huskyBlock(name);
  const existing = readText(path);
  if (existing === null) {
    plan.changes.push({ kind: 'write', path, content: HUSKY_SHEBANG + block, mode: EXECUTABLE, note: `created ${path}` });
    return;
  }
  const split = splitBlock(existing);
  if (split === 'broken') {
    plan.refusals.push(brokenBlock(path, 'install'));
    return;
  }
  const base = split?.rest ?? existing;
  const at = split?.at ?? blockPosition(existing);
  const content = base.slice(0, at) + block + base.slice(at);
  if (content === existing) return;
  plan.changes.push({ kind: 'write', path, content, mode: modeOf(path), note: `${split ? 'updated' : 'added keyguard to'} ${path}` });
}

export function planInstall(target: Target, options: InstallOptions): Plan {
  const plan: Plan = { changes: [], refusals: [] };
  for (const name of HOOK_NAMES) {
    if (target.kind === 'husky') planHuskyFile(target.dir, name, plan);
    else planHookScript(target, name, options, plan);
  }
  return plan;
}

/** What uninstall will do, and what it leaves for the user to sort out (each a sentence naming the file). */
export interface UninstallPlan {
  changes: Change[];
  left: string[];
}

/** The first hook keyguard set aside at `path` (a backup from install --force, else a chained hook), if any. */
const setAside = (path: string) => [path + BACKUP_SUFFIX, path + CHAINED_SUFFIX].find((kept) => existsSync(kept)) ?? null;

/**
 * keyguard's script for `name` under another name in `dir`: tools that chain hooks as keyguard does rename it
 * and call it from their own (`pre-commit install` makes it pre-commit.legacy).
 */
function renamedScripts(dir: string, name: HookName): string[] {
  if (!isDirectory(dir)) return [];
  const keptByKeyguard = (file: string) => file.endsWith(CHAINED_SUFFIX) || file.endsWith(BACKUP_SUFFIX);
  return readdirSync(dir)
    .filter((file) => file.startsWith(`${name}.`) && !keptByKeyguard(file))
    .map((file) => join(dir, file))
    .filter((path) => {
      const text = readText(path);
      return text !== null && text.includes(SCRIPT_MARKER) && text.includes(`# keyguard ${name} hook:`);
    });
}

function planRemoveScript(dir: string, name: HookName, plan: UninstallPlan): void {
  const { path, chainable } = hookPlace(dir, name);
  if (readText(path)?.includes(SCRIPT_MARKER)) {
    plan.changes.push({ kind: 'remove', path, note: `removed ${path}` });
    const kept = chainable ? setAside(path) : null;
    if (kept) plan.changes.push({ kind: 'move', from: kept, to: path, note: `restored ${path} from ${kept}` });
    return;
  }
  if (!chainable) return;
  // Another tool's hook stands at `path` now. What keyguard set aside goes where that tool moved keyguard's
  // script, which it still calls: as if keyguard had never been installed.
  const renamed = renamedScripts(dir, name);
  for (const script of renamed) plan.changes.push({ kind: 'remove', path: script, note: `removed ${script} (keyguard's ${name} hook, renamed by another tool)` });
  const kept = setAside(path);
  if (!kept) return;
  if (renamed.length === 1) {
    plan.changes.push({ kind: 'move', from: kept, to: renamed[0], note: `restored ${renamed[0]} from ${kept}: ${path} is another tool's hook, which runs it` });
  } else {
    plan.left.push(`left ${kept}, the hook that was ${path} before keyguard: ${path} is no longer keyguard's, so keyguard cannot tell where it belongs; put it back yourself`);
  }
}

function planRemoveBlock(dir: string, name: HookName, changes: Change[]): void {
  const path = join(dir, name);
  const existing = readText(path);
  const split = existing === null ? null : splitBlock(existing);
  if (split === 'broken') throw new UsageError(`nothing removed: ${brokenBlock(path, 'uninstall')}`);
  if (!split) return;
  // A file keyguard created holds nothing else: remove it rather than leave an empty hook behind.
  if (split.rest === HUSKY_SHEBANG || split.rest.trim() === '') changes.push({ kind: 'remove', path, note: `removed ${path}` });
  else changes.push({ kind: 'write', path, content: split.rest, mode: modeOf(path), note: `removed keyguard's lines from ${path}` });
}

/**
 * Exactly what install added in each place, taken away; chained and replaced hooks go back where they were.
 * The places: where git runs hooks now, and where keyguard installed before git looked elsewhere (a hook left
 * there would run again the day git looks there again).
 */
export function planUninstall(places: readonly InstalledPlace[]): UninstallPlan {
  const plan: UninstallPlan = { changes: [], left: [] };
  for (const place of places) {
    for (const name of HOOK_NAMES) {
      if (place.kind === 'husky') planRemoveBlock(place.dir, name, plan.changes);
      else planRemoveScript(place.dir, name, plan);
    }
  }
  return plan;
}
