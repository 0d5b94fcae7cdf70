import { UsageError } from '../errors.js';
import type { BlobTarget } from '../git/blobs.js';
import { gitQueries } from '../git/queries.js';
import { isShallow } from '../git/repo.js';
import { gitStream } from '../git/stream.js';
import type { Detector } from '../detect/engine.js';
import type { Fragment, FragmentOrBatch, ScanStats } from '../types.js';
import { binaryBlobFragments } from './blobs.js';
import { diffFragmentBatches } from './diff.js';
import { CHANGE_DIFF_ARGS, type DiffObserver, diffEnv, LOG_FORMAT } from './diff-options.js';
import { historyFragments } from './history.js';
import type { MergeProgress } from './merge-resolutions.js';

const FETCH_ADVICE =
  'fetch the history first: `fetch-depth: 0` in actions/checkout (GIT_DEPTH: 0 in GitLab), or `git fetch --deepen=N` until the base is reached, or `git fetch origin <base>`';

/** The full id of a commit, or a UsageError that says how to fetch it when the clone lacks it. */
async function commitId(cwd: string, ref: string, role: string): Promise<string> {
  try {
    return (await (await gitQueries(cwd)).raw(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch {
    // A mistyped ref is the usual cause in a full clone; only a shallow one gets the fetch advice.
    if (!isShallow(cwd)) throw new UsageError(`${role} ${ref} is not a commit in this repository (a typo? git branch -a lists the branches)`);
    throw new UsageError(`${role} ${ref} is not in this clone (a shallow CI checkout?): ${FETCH_ADVICE}`);
  }
}

/** A range resolved to commit ids. */
export interface ResolvedRange {
  /** where the scan starts: BASE itself, or its merge base with HEAD */
  base: string;
  head: string;
  /**
   * BASE's own commit, the tip of the branch the change merges into. It differs from `base` when the range
   * starts at the merge base and the branch has moved on since; its policy files are the ones that count.
   */
  tip: string;
}

/**
 * The two ends of a range to scan: "BASE..HEAD" as given, "BASE...HEAD" or `base` alone from their merge
 * base (what a pull request adds). Exit 2 with the fetch-depth fix when the clone lacks BASE or the merge
 * base, the usual mistake of a shallow CI checkout. `tip` names the branch tip when BASE is not it (a GitLab
 * merge request names its diff base, which is already the merge base).
 */
export async function resolveRange(cwd: string, spec: { range?: string; base?: string; head?: string; tip?: string }): Promise<ResolvedRange> {
  let baseRef = spec.base;
  let headRef = spec.head ?? 'HEAD';
  let mergeBase = spec.base !== undefined;
  if (spec.range !== undefined) {
    const match = /^(.*?)(\.\.\.?)(.*)$/.exec(spec.range);
    if (!match || !match[1]) throw new UsageError(`${spec.range}: name a range as BASE..HEAD (or BASE...HEAD for the merge base)`);
    if (spec.base !== undefined) throw new UsageError('give either a BASE..HEAD range or --base, not both');
    [baseRef, headRef, mergeBase] = [match[1], match[3] || 'HEAD', match[2] === '...'];
  }
  if (baseRef === undefined) throw new UsageError('name the range: BASE..HEAD, or --base REF');
  const head = await commitId(cwd, headRef, 'HEAD');
  const base = await commitId(cwd, baseRef, 'BASE');
  const tip = spec.tip === undefined ? base : await commitId(cwd, spec.tip, 'the target branch');
  if (!mergeBase) return { base, head, tip };
  try {
    return { base: (await (await gitQueries(cwd)).raw(['merge-base', base, head])).trim(), head, tip };
  } catch {
    throw new UsageError(`no merge base of ${baseRef} and ${headRef} in this clone (a shallow CI checkout?): ${FETCH_ADVICE}`);
  }
}

export interface RangeOptions {
  cwd: string;
  base: string;
  head: string;
  /** only the net diff base..head (and the messages), not each commit's own changes */
  diffOnly: boolean;
  stats: ScanStats;
  contextLines: number;
  observer?: DiffObserver;
  /** the caller's detector, for the merges of a full range scan (see HistoryOptions) */
  detector: Detector;
  /** counts the merge pass's work, for the progress line */
  mergeProgress?: MergeProgress;
}

/** Commit messages of the range, without diffs. */
function messageFragments(options: RangeOptions): AsyncGenerator<Fragment[]> {
  const stream = gitStream(['log', '--reverse', LOG_FORMAT, `${options.base}..${options.head}`], { cwd: options.cwd, env: diffEnv() });
  return diffFragmentBatches(stream, { source: 'range', contextLines: options.contextLines, stats: options.stats, log: true });
}

/**
 * What a pull request adds: every commit of base..head (its added lines and message, as scan-history), or
 * with diffOnly the lines of the net diff from base to head plus the messages.
 */
export async function* rangeFragments(options: RangeOptions): AsyncGenerator<FragmentOrBatch> {
  const { cwd, base, head, stats, contextLines, observer, detector } = options;
  if (!options.diffOnly) {
    yield* historyFragments({ cwd, revisions: [`${base}..${head}`], stats, contextLines, source: 'range', observer, detector, mergeProgress: options.mergeProgress, diffArgs: CHANGE_DIFF_ARGS });
    return;
  }
  yield* messageFragments(options);
  const diff = gitStream(['diff', ...CHANGE_DIFF_ARGS, base, head], { cwd, env: diffEnv() });
  const binaries: BlobTarget[] = [];
  yield* diffFragmentBatches(diff, { source: 'range', contextLines, stats, onBinary: (file, blob) => binaries.push({ file, blob }) });
  yield* binaryBlobFragments(binaries, { cwd, contextLines, stats, source: 'range' });
}
