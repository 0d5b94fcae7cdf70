// The POSIX sh that keyguard puts in a repository: whole hook scripts for a hooks directory, and blocks of
// lines for husky's files. Both start Node only when there can be something to find, and fail closed: any
// failure to run keyguard blocks the commit with a message saying how to fix it.
import { escapeEre } from '../regex.js';

export const HOOK_NAMES = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'pre-push'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** In every hook script keyguard writes: how install and uninstall tell keyguard's hooks from others'. */
export const SCRIPT_MARKER = '# keyguard-hook: written by `keyguard install`';
/** Around keyguard's lines in a husky file. */
export const BLOCK_START = '# >>> keyguard (`keyguard uninstall` removes this block)';
export const BLOCK_END = '# <<< keyguard';

/** Where a hook that was there before keyguard goes; keyguard's hook runs it first. */
export const CHAINED_SUFFIX = '.keyguard-chained';
/** Where `install --force` keeps the hook it replaced; uninstall puts it back. */
export const BACKUP_SUFFIX = '.keyguard-backup';

/** The absolute paths `keyguard install` ran with: the node binary and bin/keyguard. */
export interface Launcher {
  node: string;
  bin: string;
}

const WHAT: Record<HookName, string> = {
  'pre-commit': 'scans the lines this commit adds',
  'prepare-commit-msg': 'on a merge, scans the commits the merge brings in',
  'commit-msg': 'scans the commit message',
  'pre-push': 'scans the commits about to be pushed (cherry-picks, rebases and `git am` run no commit hook)',
};

/** A word in single quotes for sh. */
export const shQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * An extended regex (for grep -Ei) that matches every message a rule could report on: a finding needs one of
 * the rules' keywords on its line, or an encoded token that decodes to one (24+ base64 characters or a URL
 * escape, as src/detect/decode.ts reads them). Null when a rule has no keyword: then any text can match.
 */
export function messagePrefilter(ruleKeywords: readonly (readonly string[])[]): string | null {
  if (ruleKeywords.some((keywords) => keywords.length === 0)) return null;
  const words = [...new Set(ruleKeywords.flat())].sort().map(escapeEre);
  return [...words, '[A-Za-z0-9+/]{24}', '%(2[BF]|3D)'].join('|');
}

/** Where the commit-msg hook finds messagePrefilter's pattern: in the git directory (see saveMessagePrefilter). */
export const PREFILTER_PATH = 'keyguard/message-prefilter';

function launcherLines(launcher: Launcher | null): string[] {
  const installed = launcher
    ? [`  if [ -x ${shQuote(launcher.node)} ] && [ -f ${shQuote(launcher.bin)} ]; then`, `    ${shQuote(launcher.node)} ${shQuote(launcher.bin)} "$@"`, '  elif command -v keyguard >/dev/null 2>&1; then']
    : ['  if command -v keyguard >/dev/null 2>&1; then'];
  return [
    launcher
      ? '# The keyguard that `keyguard install` ran, else the one on PATH, else the project\'s (npx --no-install).'
      : '# The keyguard on PATH (husky puts node_modules/.bin there), else the project\'s (npx --no-install).',
    '# A subshell: keyguard sends nothing over the network here, so its Node need not read NODE_EXTRA_CA_CERTS',
    '# (Node 20 loads the whole file before it runs anything: ~60 ms a start); the hooks around it keep it.',
    'keyguard_run() (',
    '  unset NODE_EXTRA_CA_CERTS',
    ...installed,
    '    keyguard "$@"',
    '  elif command -v npx >/dev/null 2>&1 && npx --no-install keyguard --version >/dev/null 2>&1; then',
    '    npx --no-install keyguard "$@"',
    '  else',
    '    echo "keyguard: cannot find keyguard (not on PATH, not in node_modules)." >&2',
    '    exit 127',
    '  fi',
    ')',
  ];
}

function failLines(name: HookName): string[] {
  const git = name === 'pre-push' ? 'git push' : name === 'prepare-commit-msg' ? 'git merge' : 'git commit';
  return [
    '# Fail closed: a keyguard that cannot run must not let a secret through unseen.',
    'keyguard_failed() {',
    `  echo "keyguard: the ${name} hook could not run keyguard (exit $1), so this ${git.slice(4)} is blocked." >&2`,
    '  echo "  To fix: make keyguard runnable here (on PATH, or in this project\'s node_modules: see keyguard\'s README, Install)" >&2',
    '  echo "  and run \\`keyguard install\\` again," >&2',
    '  echo "  or remove the hooks with \\`keyguard uninstall\\`." >&2',
    `  echo "  In a real emergency only: ${git} --no-verify skips every hook (then run \\\`keyguard scan\\\`)." >&2`,
    '  exit 1',
    '}',
  ];
}

/** Runs keyguard's hook runner; exit 0 passes, 1 means keyguard blocked it and said why, anything else failed. */
const runLines = (call: string) => [
  'keyguard_status=0',
  `${call} || keyguard_status=$?`,
  '[ "$keyguard_status" -le 1 ] || keyguard_failed "$keyguard_status"',
  '[ "$keyguard_status" -eq 0 ] || exit 1',
];

/**
 * What each hook does, shared by whole scripts and husky blocks: safe under `sh -e` (husky runs its files so)
 * and falls through on success so a husky file's own lines still run.
 */
function bodyLines(name: HookName): string[] {
  switch (name) {
    case 'pre-commit':
      return runLines('keyguard_run hook pre-commit');
    case 'prepare-commit-msg':
      return ['# Only a merge brings in commits; other messages are the commit-msg hook\'s.', 'if [ "${2-}" = merge ]; then', ...runLines('keyguard_run hook prepare-commit-msg "$@"').map((l) => `  ${l}`), 'fi'];
    case 'commit-msg':
      return [
        '# Node starts only when the message could hold a secret: a keyword of keyguard\'s rules, 24+ base64',
        '# characters, or a URL escape. The pattern is the one the last keyguard run here saved in the git',
        '# directory (so a newer keyguard\'s rules count from its first pre-commit); without it, keyguard runs.',
        '# git-secrets patterns and providers (secrets.*) can match anything.',
        'keyguard_may_match() {',
        "  git config --get-regexp '^secrets\\.(patterns|providers)$' >/dev/null 2>&1 && return 0",
        // git passes the message file in the git directory (COMMIT_EDITMSG, MERGE_MSG), where the pattern is.
        `  keyguard_words="\${1%/*}/${PREFILTER_PATH}"`,
        '  [ -f "$keyguard_words" ] || return 0',
        '  grep -Eiq -f "$keyguard_words" -- "$1"',
        '  [ $? -ne 1 ] # grep says 1 only when it is sure nothing matched',
        '}',
        'if keyguard_may_match "$1"; then',
        ...runLines('keyguard_run hook commit-msg "$@"').map((l) => `  ${l}`),
        'fi',
      ];
    case 'pre-push':
      return runLines('keyguard_refs | keyguard_run hook pre-push "$@"');
  }
}

/** pre-push: git gives the refs to push on stdin, read once here for keyguard and the hooks around it. */
const stdinLines = (name: HookName) =>
  name === 'pre-push'
    ? ['keyguard_refs=$(cat)', 'keyguard_refs() { [ -z "$keyguard_refs" ] || printf \'%s\\n\' "$keyguard_refs"; }']
    : [];

/**
 * Runs the hook that was there before keyguard. Its path is fixed when keyguard installs, not taken from $0:
 * tools that chain hooks the same way (the pre-commit framework's pre-commit.legacy) rename keyguard's script
 * and call it from their own, and the user's hook must not silently stop running then. `absolute` is null for
 * a template (each repository gets its own copy); and where it is gone (the repository was moved), the same
 * name in the directory the script runs from.
 */
function chainLines(name: HookName, chained: { absolute: string | null; name: string }): string[] {
  const refs = name === 'pre-push' ? 'keyguard_refs | ' : '';
  const beside = `"\${keyguard_dir}/${chained.name}"`;
  return [
    '# The hook that was here before keyguard runs first, and keeps its say.',
    'case $0 in */*) keyguard_dir=${0%/*} ;; *) keyguard_dir=. ;; esac',
    ...(chained.absolute
      ? [`keyguard_chained=${shQuote(chained.absolute)}`, `[ -e "$keyguard_chained" ] || keyguard_chained=${beside}`]
      : [`keyguard_chained=${beside}`]),
    `if [ -x "$keyguard_chained" ]; then ${refs}"$keyguard_chained" "$@" || exit $?; fi`,
  ];
}

/**
 * A whole hook script for a hooks directory. `chained` names the file a hook already there was moved to (see
 * chainLines); null in a hook.d directory, where nothing is chained.
 */
export function hookScript(name: HookName, launcher: Launcher, chained: { absolute: string | null; name: string } | null): string {
  return [
    '#!/bin/sh',
    `# keyguard ${name} hook: ${WHAT[name]}.`,
    SCRIPT_MARKER + '; `keyguard uninstall` removes it and puts back any hook it chained.',
    '',
    ...launcherLines(launcher),
    ...failLines(name),
    '',
    ...stdinLines(name),
    ...(chained ? chainLines(name, chained) : []),
    ...bodyLines(name),
    'exit 0',
    '',
  ].join('\n');
}

/**
 * keyguard's block for a husky file (committed, so shared by the team): no absolute path, keyguard is found on
 * PATH. pre-push gives stdin back to the file's own lines, which may read the refs too.
 */
export function huskyBlock(name: HookName): string {
  const restoreStdin = name === 'pre-push' ? ['if [ -n "$keyguard_refs" ]; then exec 0<<KEYGUARD_REFS', '$keyguard_refs', 'KEYGUARD_REFS', 'fi'] : [];
  const rescan = name === 'pre-commit' ? rescanLines() : [];
  return [BLOCK_START, `# ${WHAT[name]}`, ...launcherLines(null), ...failLines(name), ...stdinLines(name), ...bodyLines(name), ...rescan, ...restoreStdin, BLOCK_END, ''].join('\n');
}

/**
 * The block runs before the file's own lines (which may exit early), and those may stage more (generated
 * files, lint-staged's fixes): when the file ends, whichever way, keyguard scans again if the index changed
 * (`git write-tree` names the index's content). husky runs the file in a shell of its own, so the trap is the
 * file's (a trap the file sets itself replaces it: then only the first scan counts).
 */
function rescanLines(): string[] {
  return [
    'keyguard_tree=$(git write-tree 2>/dev/null) || keyguard_tree=',
    'keyguard_rescan() {',
    '  keyguard_exit=$?',
    '  trap - EXIT',
    '  [ "$keyguard_exit" -eq 0 ] || exit "$keyguard_exit"',
    '  [ "$(git write-tree 2>/dev/null)" != "$keyguard_tree" ] || exit 0',
    ...runLines('keyguard_run hook pre-commit').map((l) => `  ${l}`),
    '  exit 0',
    '}',
    'trap keyguard_rescan EXIT',
  ];
}
