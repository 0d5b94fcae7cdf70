// What the diff parser (diff.ts) reads: the options and format of the git commands, and its own options.
import { storedObjectsEnv } from '../git/stream.js';
import type { CommitInfo, Fragment, ScanStats, SourceKind } from '../types.js';

/** Which files a diff lists, and in what order, whatever diff.relative and diff.orderFile say: all, git's own. */
export const DIFF_SCOPE_ARGS = ['--no-relative', '-O/dev/null'];

/**
 * Options that make `git diff` and `git log -p` print the one shape the diff parser reads, whatever the user's
 * configuration says: no context lines (git does less work, and only added lines matter) and no context
 * between hunks (diff.interHunkContext), fixed a/ b/ prefixes, full blob ids, no colour, no external or
 * textconv drivers, git's default diff algorithm and heuristic and file order (diff.algorithm,
 * diff.indentHeuristic, diff.orderFile), renames found (a renamed file's lines are not new) but not copies
 * (a copied key is a new one, and must show as added), a deleted file as its header alone (-D: its lines are
 * no findings, and git need not read the old blob to print them), and added lines marked with a carriage
 * return instead of '+' (see ADDED in diff.ts).
 */
export const DIFF_ARGS = [
  '-U0',
  '--inter-hunk-context=0',
  '-D',
  '--output-indicator-new=\r',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--full-index',
  '--submodule=short',
  '-M',
  '--diff-algorithm=myers',
  '--indent-heuristic',
  ...DIFF_SCOPE_ARGS,
];

/**
 * DIFF_ARGS for the scans of a change (staged, ranges, a push), with one unchanged line around each change:
 * a value's name often stands on the line above it (YAML, k8s env lists, XML), unchanged when only the value
 * changes, and the rules that read it there (keywordLinesAbove) need that line. The diff parser keeps it in
 * the fragment, unreported (Fragment.quietLines). A whole history keeps -U0, where git's output is the cost.
 * And without renames: a file moved out of a path the allowlist accepts (`git mv test/fixtures/creds.ini
 * deploy/`) is a new file at its new path, all its lines judged by that path's allows, as `keyguard scan`
 * judges them. A whole history keeps -M: there a moved file's lines were judged when they were added.
 */
export const CHANGE_DIFF_ARGS = DIFF_ARGS.map((arg) => (arg === '-U0' ? '-U1' : arg === '-M' ? '--no-renames' : arg));

/**
 * Settings that change what those commands print and have no option of their own on every command (or none
 * at all), as `git help config` (2.39) lists them: how paths are printed; the root commit's diff (a key added
 * there is missed without it); signature check output in the log; --follow, which a single path would turn
 * on; the message's encoding (%B is re-encoded to it); the size above which git calls any file binary (a key
 * in a file over core.bigFileThreshold would print as "Binary files differ"); colour; the conflict markers
 * --remerge-diff compares a merge with; and the info/grafts deprecation hint (storedObjectsEnv points
 * git at no graft file, which would otherwise make git say it).
 */
const DIFF_CONFIG: Array<[string, string]> = [
  ['core.quotePath', 'false'],
  ['diff.noprefix', 'false'],
  ['diff.mnemonicPrefix', 'false'],
  ['diff.suppressBlankEmpty', 'false'],
  ['log.showRoot', 'true'],
  ['log.showSignature', 'false'],
  ['log.follow', 'false'],
  ['log.decorate', 'false'],
  ['i18n.logOutputEncoding', 'UTF-8'],
  ['core.bigFileThreshold', '512m'],
  ['color.ui', 'never'],
  ['color.diff', 'never'],
  ['merge.conflictStyle', 'merge'],
  ['advice.graftFileDeprecated', 'false'],
];

/**
 * The environment for git commands whose diff output the diff parser reads. The settings go last in
 * GIT_CONFIG_PARAMETERS, where they win over every configuration file, GIT_CONFIG_COUNT and an outer
 * `git -c` (a hook's git passes those on), and git's messages still name the subcommand. Objects are read as
 * stored (storedObjectsEnv); GIT_DIFF_OPTS would override -U0.
 */
export function diffEnv(): NodeJS.ProcessEnv {
  // 'key=value', single-quoted as git writes them (none of the settings holds a quote).
  const pins = DIFF_CONFIG.map(([key, value]) => `'${key}=${value}'`).join(' ');
  const outer = process.env.GIT_CONFIG_PARAMETERS;
  const env: NodeJS.ProcessEnv = { ...storedObjectsEnv(), GIT_CONFIG_PARAMETERS: outer ? `${outer} ${pins}` : pins };
  delete env.GIT_DIFF_OPTS;
  return env;
}

/**
 * The header git log prints before each commit's diff: two NULs (no diff or message line starts with one),
 * then id and parents, author, email, date, the encoding the commit object names (%e, empty for most) and the
 * raw message, each ending in NUL. git re-encodes a format's fields from that encoding whatever
 * --encoding=none says (2.39), so a message stored as ASCII under `encoding IBM037` prints garbled: the parser
 * reads such commits from their objects (DiffOptions.cwd).
 */
export const LOG_FORMAT = '--format=%x00%x00%H %P%x00%an%x00%ae%x00%aI%x00%e%x00%B%x00';
export const LOG_FIELDS = 8; // NULs in one LOG_FORMAT header

/** Told about deletions, so a history scan can tell how long a secret stayed (see history-dedupe.ts). */
export interface DiffObserver {
  commit(info: CommitInfo): void;
  /** true when the deleted lines of `file` matter */
  watches(file: string): boolean;
  /** `text`: deleted lines of `file` as git printed them ('-' included; a hunk's block at once), or a later piece of a very long one */
  deleted(file: string, text: string): void;
  /** `file` was deleted whole (-D prints no lines for it) */
  removed(file: string): void;
  /** a history's commits are over: what follows are blobs read after them (see historyFragments) */
  commitsEnd?(): void;
}

export interface DiffOptions {
  source: SourceKind;
  /** the repository, for a log stream: a commit stored in an encoding other than UTF-8 is read from its object */
  cwd?: string;
  contextLines: number;
  stats: ScanStats;
  /** the stream is `git log -p` with LOG_FORMAT headers: yield each message, tag lines with their commit */
  log?: boolean;
  /** a file git calls binary (by its new blob id, in its commit for a log); without this it is counted in stats.binarySkipped */
  onBinary?: (file: string, blob: string, commit: CommitInfo | null) => void;
  /** `* Unmerged path` lines of a diff of the index during a conflicted merge */
  onUnmerged?: (file: string) => void;
  observer?: DiffObserver;
  /** fragments to yield for a merge commit after its message (what a separate pass found in its resolution) */
  inserts?: (sha: string) => Promise<Fragment[]>;
}
