import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { gitOutput, hooksPlace, workTreeRoot } from '../git/repo.js';
import type { HookName } from './scripts.js';

/**
 * Where keyguard's hooks go: a hooks directory git runs scripts from (a repository's, or a template's), or a
 * husky directory whose files husky's own hooks run (keyguard adds a block of lines to them).
 */
export type Target = (
  | {
      kind: 'hooks';
      dir: string;
      /** a template's hooks, copied into each new repository: they may name no absolute path in it */
      template: boolean;
    }
  | {
      kind: 'husky';
      dir: string;
      /** false when the repository has .husky/ but git does not use it yet (husky not set up in this clone) */
      active: boolean;
    }
) & {
  /** the lock file install and uninstall hold (see withLock): in the git directory, or beside a template */
  lock: string;
  /** a repository's git directory (shared by linked worktrees), where install records itself; null for a template */
  commonDir: string | null;
};

const LOCK_FILE = 'keyguard-install.lock';

export const isDirectory = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
/** A file's text, or null when there is none (a file that cannot be read throws: install must not take it for none). */
export const readText = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);

/** The .husky directory when git's hooks directory is husky's (`.husky/_` for husky 9, `.husky` before). */
export function huskyDirOf(hooksDir: string): string | null {
  if (basename(hooksDir) === '.husky') return hooksDir;
  if (basename(hooksDir) === '_' && basename(dirname(hooksDir)) === '.husky') return dirname(hooksDir);
  return null;
}

/**
 * Where a hook script goes in a hooks directory: Debian-style `<hook>.d/` (or `<hook>/`) directories run every
 * file in them, so keyguard adds its own file there, as git-secrets does; otherwise the hook file itself.
 */
export function hookPlace(dir: string, name: HookName): { path: string; chainable: boolean } {
  for (const directory of [join(dir, `${name}.d`), join(dir, name)]) {
    if (isDirectory(directory)) return { path: join(directory, 'keyguard'), chainable: false };
  }
  return { path: join(dir, name), chainable: true };
}

/**
 * The hooks directory git actually uses in the repository holding `cwd`: `git rev-parse --git-path hooks`
 * honours core.hooksPath and linked worktrees (git-secrets writes to .git/hooks whatever git uses).
 */
export function repositoryTarget(cwd: string): Target {
  const where = hooksPlace(cwd);
  if (!where) throw new UsageError('not in a git repository: cd into one first, or use --template DIR or --global');
  const { hooks: dir, commonDir } = where;
  // In the git directory (shared by linked worktrees), not in a hooks directory that may be committed.
  const lock = join(commonDir, LOCK_FILE);
  const husky = huskyDirOf(dir);
  if (husky) return { kind: 'husky', dir: husky, active: true, lock, commonDir };
  // A clone of a husky project before `npm install` has run husky: hooks in .git/hooks would stop running
  // the day husky sets core.hooksPath, so keyguard goes where husky will look.
  const top = workTreeRoot(cwd);
  if (top && isDirectory(join(top, '.husky')) && gitOutput(['config', '--get', 'core.hooksPath'], cwd) === null) {
    return { kind: 'husky', dir: join(top, '.husky'), active: false, lock, commonDir };
  }
  return { kind: 'hooks', dir, template: false, lock, commonDir };
}

/** A template directory for `git init --template` (or init.templateDir): hooks live in its hooks/. */
export const templateTarget = (templateDir: string): Target => ({
  kind: 'hooks',
  dir: join(templateDir, 'hooks'),
  template: true,
  // Beside the template, not in it: git init copies everything in it.
  lock: `${templateDir.replace(/[\\/]+$/, '')}.${LOCK_FILE}`,
  commonDir: null,
});

/** Where --global puts its template when the user has no init.templateDir yet (as git-secrets suggests). */
export const defaultGlobalTemplate = () => join(homedir(), '.git-templates', 'keyguard');

/** The user's init.templateDir (with ~ expanded), or null when it is not set. */
export const globalTemplateDir = (cwd: string) => gitOutput(['config', '--global', '--type=path', '--get', 'init.templateDir'], cwd);

/** Sets (or with null, unsets) the user's init.templateDir. */
export function setGlobalTemplateDir(dir: string | null, cwd: string): void {
  const args = dir === null ? ['config', '--global', '--unset', 'init.templateDir'] : ['config', '--global', 'init.templateDir', dir];
  if (gitOutput(args, cwd) === null) throw new UsageError(`git ${args.join(' ')} failed`);
}
