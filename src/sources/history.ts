// History scans run from hooks too (the merge and push checks): plain child processes, no simple-git.
import type { Detector } from '../detect/engine.js';
import { attributeBinaries, type BlobOptions, type BlobTarget, blobFragments } from '../git/blobs.js';
import { gitStream } from '../git/stream.js';
import { type CommitInfo, emptyStats, type Fragment, type ScanStats } from '../types.js';
import { DIFF_ARGS, diffEnv, type DiffObserver, LOG_FORMAT, diffFragments } from './diff.js';

export interface HistoryOptions {
  cwd: string;
  /** git log revision arguments (and options): ['--all'], ['BASE..HEAD'], ['HEAD..MERGE_HEAD'], … */
  revisions: string[];
  stats: ScanStats;
  contextLines: number;
  source: 'history' | 'range';
  /** told of each commit and of deleted lines: HistoryDedupe uses it to count the commits a secret lived */
  observer?: DiffObserver;
  /** the caller's detector (the user's configured rules too): what a merge resolution must hold to be kept */
  detector: Detector;
}

/** git log arguments: the caller's revisions (and options) first so that ours win, and any `-- paths` last. */
function logArgs(revisions: string[], options: string[]): string[] {
  const separator = revisions.indexOf('--');
  const revs = separator === -1 ? revisions : revisions.slice(0, separator);
  const paths = separator === -1 ? [] : revisions.slice(separator);
  return ['log', ...revs, '-p', ...DIFF_ARGS, LOG_FORMAT, ...options, ...paths];
}

/**
 * What merge resolutions added, by merge id: `--remerge-diff` shows a merge against git's own re-merge of its
 * parents, so a key typed while resolving a conflict (or slipped into an "evil" merge) is an added line,
 * while the lines a merge only brings over from its parents are not repeated (-m would repeat them all;
 * --cc uses another format and hides a change that matches one parent).
 * A pass of its own because git 2.39's remerge-diff is 5x slower oldest-first than newest-first. Only the
 * fragments where the detector finds something are kept, so memory stays bounded.
 */
async function mergeResolutions(options: HistoryOptions, stop: AbortSignal): Promise<Map<string, Fragment[]>> {
  const { detector } = options;
  const stats = emptyStats();
  const found = new Map<string, Fragment[]>();
  const stream = gitStream(logArgs(options.revisions, ['--merges', '--remerge-diff']), { cwd: options.cwd, env: diffEnv() });
  for await (const fragment of diffFragments(stream, { source: options.source, contextLines: options.contextLines, stats, log: true })) {
    if (stop.aborted) break; // leaving the loop ends gitStream, which kills its git
    if (fragment.message || detector.detect(fragment).length === 0) continue;
    const sha = fragment.commit!.sha;
    const list = found.get(sha);
    if (list) list.push(fragment);
    else found.set(sha, [fragment]);
  }
  options.stats.files += stats.files;
  options.stats.bytes += stats.bytes;
  options.stats.binarySkipped += stats.binarySkipped;
  return found;
}

/**
 * Every commit of the revisions in one `git log -p` stream (memory stays bounded whatever its size), oldest
 * first (--reverse --topo-order: a secret's first finding is the commit that added it, and its deletion
 * comes after it): each commit's message as a fragment with `message: true`, then the lines it added (for a
 * merge, what its resolution added), tagged with the commit.
 */
export async function* historyFragments(options: HistoryOptions): AsyncGenerator<Fragment> {
  const { cwd, stats, contextLines, source, observer } = options;
  // If the main stream fails or its reader stops, the merge pass stops too rather than run on to its end.
  const stop = new AbortController();
  const merges = mergeResolutions(options, stop.signal);
  // Read in step with the main stream, so its git runs on the other core; a failure surfaces at the first merge.
  merges.catch(() => {});
  try {
    const stream = gitStream(logArgs(options.revisions, ['--reverse', '--topo-order']), { cwd, env: diffEnv() });
    const binaries: BlobTarget[] = [];
    const onBinary = (file: string, blob: string, commit: CommitInfo | null) => binaries.push({ file, blob, commit });
    yield* diffFragments(stream, { source, contextLines, stats, log: true, observer, onBinary, inserts: async (sha) => (await merges).get(sha) ?? [] });
    await merges;
    yield* attributeBinaryFragments(cwd, binaries, { cwd, contextLines, stats, source });
  } finally {
    stop.abort();
  }
}

/** Reads the blobs `.gitattributes` made look binary (see attributeBinaries); counts the real ones as skipped. */
export async function* attributeBinaryFragments(cwd: string, binaries: BlobTarget[], options: BlobOptions): AsyncGenerator<Fragment> {
  const forced = await attributeBinaries(cwd, binaries);
  options.stats.binarySkipped += binaries.length - forced.length;
  yield* blobFragments(forced, options);
}

