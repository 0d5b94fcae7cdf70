// Where `keyguard install` put its hooks in a repository, noted in the git directory (shared by linked
// worktrees, never committed). It tells a scan that this repository is meant to run keyguard's hooks, so that
// it can say when git no longer does (husky's `prepare` script, a team's or a dotfiles manager's config set
// core.hooksPath; the hooks directory was replaced), and it tells uninstall every place to clean.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HOOK_NAMES, SCRIPT_MARKER } from './scripts.js';
import { hookPlace, readText } from './target.js';

/** A directory keyguard installed into: whole hook scripts (hooks), or blocks in a .husky directory's files. */
export interface InstalledPlace {
  kind: 'hooks' | 'husky';
  dir: string;
}

/** The record, in the git directory `commonDir`. */
const recordFile = (commonDir: string) => join(commonDir, 'keyguard', 'installed-hooks');

export const samePlace = (a: InstalledPlace, b: InstalledPlace) => a.kind === b.kind && a.dir === b.dir;

/** The places the record lists, one `<kind> <dir>` a line; none when there is no record. */
function recordedPlaces(commonDir: string): InstalledPlace[] {
  return (readText(recordFile(commonDir)) ?? '').split('\n').flatMap((line) => {
    const match = /^(hooks|husky) (.+)$/.exec(line);
    return match ? [{ kind: match[1] as InstalledPlace['kind'], dir: match[2] }] : [];
  });
}

/** Adds `place` to the record, written whole or not at all. */
export function recordInstall(commonDir: string, place: InstalledPlace): void {
  const places = recordedPlaces(commonDir);
  if (places.some((known) => samePlace(known, place))) return;
  const record = recordFile(commonDir);
  mkdirSync(dirname(record), { recursive: true });
  const temporary = `${record}.${process.pid}.tmp`;
  writeFileSync(temporary, [...places, place].map(({ kind, dir }) => `${kind} ${dir}\n`).join(''));
  renameSync(temporary, record);
}

export const forgetInstalls = (commonDir: string) => rmSync(recordFile(commonDir), { force: true });

/** Whether keyguard's scripts are in the hooks directory `dir`. */
export const holdsKeyguard = (dir: string) => HOOK_NAMES.some((name) => readText(hookPlace(dir, name).path)?.includes(SCRIPT_MARKER));

/**
 * Where keyguard's hooks were installed in the repository whose git directory is `commonDir`: the record's
 * places, and the git directory's own hooks/ when keyguard's scripts are there (a template copied them, or a
 * keyguard older than the record installed them).
 */
export function installedPlaces(commonDir: string): InstalledPlace[] {
  const places = recordedPlaces(commonDir);
  const own: InstalledPlace = { kind: 'hooks', dir: join(commonDir, 'hooks') };
  if (!places.some((known) => samePlace(known, own)) && holdsKeyguard(own.dir)) places.push(own);
  return places;
}
