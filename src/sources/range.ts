import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, messageOf } from '../errors.js';
import type { BlobTarget } from '../git/blobs.js';
import { gitQueries } from '../git/queries.js';
import { gitOutput, isShallow } from '../git/repo.js';
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
  const range = { base: mergeBase ? mergeBaseOf(cwd, base, head, `${baseRef} and ${headRef}`) : base, head, tip };
  checkDepth(cwd, range);
  return range;
}

/**
 * Where a change to `head` starts: its merge base with `base`, as the objects are stored (a replace ref or a
 * graft could move it). When the two share no history (an orphan branch, a force push of another history),
 * everything in head that base lacks: git merge-base then exits 1 without a word, which read as an empty
 * base once made the range `..HEAD`, and a gate scanned nothing. In a shallow clone the history they share may
 * just be missing: exit 2 with the fetch advice.
 */
function mergeBaseOf(cwd: string, base: string, head: string, names: string): string {
  try {
    return execFileSync('git', ['merge-base', base, head], { cwd, env: diffEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const { status, stdout } = error as { status?: number | null; stdout?: string };
    if (status !== 1 || stdout?.trim()) throw new UsageError(`cannot find the merge base of ${names}: ${messageOf(error).split('\n')[0]}`);
  }
  if (isShallow(cwd)) throw new UsageError(`no merge base of ${names} in this clone (a shallow CI checkout?): ${FETCH_ADVICE}`);
  return base;
}

/**
 * Exit 2 when the range reaches the edge of a shallow clone: a commit there has parents the clone lacks, so
 * git shows it as if it began the history, and what the commits below it added and took out again is not
 * there to scan (a pull request that merged its base branch in has its base present and its own first
 * commits missing). A note would let the gate pass.
 */
function checkDepth(cwd: string, { base, head }: ResolvedRange): void {
  const file = gitOutput(['rev-parse', '--git-path', 'shallow'], cwd);
  let edge: Set<string>;
  try {
    edge = new Set(readFileSync(resolve(cwd, file ?? ''), 'utf8').split('\n').filter(Boolean));
  } catch {
    return; // no shallow file: a full clone
  }
  const commits = execFileSync('git', ['rev-list', `${base}..${head}`], { cwd, env: diffEnv(), encoding: 'utf8', maxBuffer: 1 << 30 }).split('\n');
  const cut = commits.find((commit) => edge.has(commit));
  if (cut) throw new UsageError(`the range ${base.slice(0, 12)}..${head.slice(0, 12)} reaches past this shallow clone's depth (${cut.slice(0, 12)} lacks its parents), so not all of it can be scanned: ${FETCH_ADVICE}`);
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
  return diffFragmentBatches(stream, { cwd: options.cwd, source: 'range', contextLines: options.contextLines, stats: options.stats, log: true });
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
