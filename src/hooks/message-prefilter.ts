// The commit-msg hook starts Node only when grep finds something a rule could match in the message. The
// pattern it greps for lives in the git directory, not in the hook: written by `keyguard install` and again
// by each pre-commit run, so a newer keyguard's rules (an upgrade, without a reinstall) count from the next
// commit on. Without the file the hook runs keyguard on every message.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gitOutput } from '../git/repo.js';
import type { RuleSet } from '../types.js';
import { messagePrefilter, PREFILTER_PATH } from './scripts.js';

/** The file the commit-msg hook reads, or null outside a repository. */
export function prefilterFile(cwd: string): string | null {
  const where = gitOutput(['rev-parse', '--git-path', PREFILTER_PATH], cwd);
  return where ? resolve(cwd, where) : null;
}

/**
 * Saves the pattern for these rules at `path` (see prefilterFile), when it changed; removes it when a rule
 * has no keyword (then every message can match). Best effort: a git directory that cannot be written keeps
 * the file it has, and the hook runs keyguard when there is none.
 */
export function saveMessagePrefilter(path: string, ruleSet: RuleSet): void {
  const prefilter = messagePrefilter(ruleSet.rules.map((rule) => rule.keywords));
  try {
    if (prefilter === null) {
      rmSync(path, { force: true });
      return;
    }
    const content = `${prefilter}\n`;
    if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
    mkdirSync(dirname(path), { recursive: true });
    // Whole or not at all: a hook grepping with half a pattern would let a message through unseen.
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch {
    // see above: the hook falls back to running keyguard
  }
}
