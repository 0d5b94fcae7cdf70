// The options and format of the git commands whose output the diff parser (diff.ts) reads.

/**
 * Options that make `git diff` and `git log -p` print the one shape the diff parser reads, whatever the user's
 * configuration says: no context lines (git does less work, and only added lines matter), fixed a/ b/
 * prefixes, full blob ids, no colour, no external or textconv drivers, renames found (a renamed file's
 * lines are not new) but not copies (a copied key is a new one, and must show as added), a deleted file
 * as its header alone (-D: its lines are no findings, and git need not read the old blob to print them), and
 * added lines marked with a carriage return instead of '+' (see ADDED in diff.ts).
 */
export const DIFF_ARGS = [
  '-U0',
  '-D',
  '--output-indicator-new=\r',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--full-index',
  '--submodule=short',
  '-M',
];

const DIFF_CONFIG: Array<[string, string]> = [
  ['core.quotePath', 'false'],
  ['diff.noprefix', 'false'],
  ['diff.mnemonicPrefix', 'false'],
];

/**
 * The environment for git commands whose diff output the diff parser reads: settings that would otherwise change
 * how paths are printed, passed as GIT_CONFIG_* so that git's messages still name the subcommand.
 */
export function diffEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_COUNT: String(DIFF_CONFIG.length) };
  DIFF_CONFIG.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/**
 * The header git log prints before each commit's diff: two NULs (no diff or message line starts with one),
 * then id and parents, author, email, date and the raw message, each ending in NUL.
 */
export const LOG_FORMAT = '--format=%x00%x00%H %P%x00%an%x00%ae%x00%aI%x00%B%x00';
export const LOG_FIELDS = 7; // NULs in one LOG_FORMAT header
