// History scans run from hooks too (the merge and push checks): plain child processes, no simple-git.
import type { Detector } from '../detect/engine.js';
import { type BlobTarget, pickObjects } from '../git/blobs.js';
import { LineFeed } from '../git/line-feed.js';
import { gitStream } from '../git/stream.js';
import type { CommitInfo, FragmentOrBatch, ScanStats, SourceKind } from '../types.js';
import { binaryBlobFragments } from './blobs.js';
import { diffFragmentBatches } from './diff.js';
import type { DiffObserver } from './diff-options.js';
import { historyLog } from './log-args.js';
import { type MergeProgress, MergeResolutions } from './merge-resolutions.js';
import { headerFragment, headerFragments, messageTailFragments } from './raw-objects.js';

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
  /** counts the merge pass's work, for the progress line */
  mergeProgress?: MergeProgress;
  /** how git prints each commit's diff: DIFF_ARGS (a whole history), or CHANGE_DIFF_ARGS (a range, a push) */
  diffArgs?: readonly string[];
}

/** The caller's observer (if any), and `ids` told the id of each commit read, for pickObjects. */
function noting(ids: LineFeed, observer: DiffObserver | undefined): DiffObserver {
  return {
    commit: (info) => {
      ids.push(info.sha);
      observer?.commit(info);
    },
    watches: (file) => observer?.watches(file) ?? false,
    deleted: (file, text) => observer?.deleted(file, text),
    removed: (file) => observer?.removed(file),
  };
}

/**
 * Which commit objects a history reads again from their bytes: those whose message holds a NUL byte (git log
 * printed it up to there), and those whose header holds something the detector finds. Every header is
 * judged, as no test of its shape can pass one over: a key as the author's and committer's name makes an
 * ordinary-looking header, and git log's %an only names the findings' author, no rule reads it. The cost is
 * the detector's first step on a header (no keyword and no encoded key: nothing), ~1.3 µs a commit.
 */
function rereadWanted(detector: Detector, source: SourceKind): (bytes: Buffer) => boolean {
  return (bytes) => bytes.includes(0) || detector.detect(headerFragment(bytes, source, null)).length > 0;
}

/**
 * Every commit of the revisions in one `git log -p` stream (memory stays bounded whatever its size), oldest
 * first (--reverse --topo-order: a secret's first finding is the commit that added it, and its deletion
 * comes after it): each commit's message as a fragment with `message: true`, then the lines it added (for a
 * merge, what its resolution added), tagged with the commit. Then, read from the objects, the files git called
 * binary (binaryBlobFragments), what messages hold past a NUL byte (messageTailFragments) and the commit headers
 * that hold something (headerFragments), of the commits rereadWanted keeps: pickObjects reads each commit the
 * stream names beside it, so that its git runs on the other core.
 */
export async function* historyFragments(options: HistoryOptions): AsyncGenerator<FragmentOrBatch> {
  const { cwd, revisions, stats, contextLines, source, observer, detector } = options;
  // If the main stream fails or its reader stops, the merge pass stops too rather than run on to its end.
  const stop = new AbortController();
  // Read alongside the main stream, so its gits run on the other core; a failure surfaces at the next merge.
  const merges = new MergeResolutions({ cwd, revisions, stats, contextLines, source, detector, progress: options.mergeProgress }, stop.signal);
  const commitIds = new LineFeed();
  const reread = pickObjects(commitIds, cwd, rereadWanted(detector, source));
  reread.catch(() => {}); // awaited below; when the main stream fails first, its error is the one to report
  try {
    const log = historyLog(revisions, options.diffArgs);
    const stream = gitStream(log.args, { cwd, env: log.env });
    const binaries: BlobTarget[] = [];
    const onBinary = (file: string, blob: string, commit: CommitInfo | null) => binaries.push({ file, blob, commit });
    yield* diffFragmentBatches(stream, { cwd, source, contextLines, stats, log: true, observer: noting(commitIds, observer), onBinary, inserts: (sha) => merges.get(sha) });
    commitIds.end();
    await merges.finish();
    observer?.commitsEnd?.();
    yield* binaryBlobFragments([...binaries, ...merges.binaries], { cwd, contextLines, stats, source });
    const commits = await reread;
    yield [...messageTailFragments(commits, source), ...headerFragments(commits, source)];
  } finally {
    commitIds.end();
    stop.abort();
  }
}
