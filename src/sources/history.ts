// History scans run from hooks too (the merge and push checks): plain child processes, no simple-git.
import type { Detector } from '../detect/engine.js';
import type { BlobTarget } from '../git/blobs.js';
import { gitStream } from '../git/stream.js';
import { type CommitInfo, emptyStats, type Fragment, type ScanStats } from '../types.js';
import { binaryBlobFragments } from './blobs.js';
import { type DiffObserver, diffFragments } from './diff.js';
import { DIFF_ARGS, diffEnv, LOG_FORMAT } from './diff-options.js';

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
 * A pass of its own (`--merges`), because git 2.39's remerge-diff over the whole history is 5x slower
 * oldest-first than newest-first; over the merges alone it is not, so this pass runs oldest-first too and the
 * main stream waits at a merge only until this pass has read that merge (it waited for the whole pass before:
 * 100-150 ms at the first merge, with git log blocked on a full pipe all the while). Only the fragments where
 * the detector finds something are kept, and each is dropped once asked for, so memory stays bounded.
 */
class MergeResolutions {
  private readonly found = new Map<string, Fragment[]>();
  /** merges this pass has read whole, until asked for */
  private readonly read = new Set<string>();
  private readonly waiting = new Map<string, () => void>();
  /** files the resolutions changed that git calls binary, read once the pass is over (see binaryBlobFragments) */
  readonly binaries: BlobTarget[] = [];
  private ended = false;
  private readonly reading: Promise<void>;

  constructor(options: HistoryOptions, stop: AbortSignal) {
    this.reading = this.readAll(options, stop).finally(() => {
      this.ended = true;
      for (const wake of this.waiting.values()) wake();
    });
    this.reading.catch(() => {}); // thrown by the next get(), so the scan fails at a merge rather than unhandled
  }

  /** The fragments worth scanning that merge `sha`'s resolution added, once this pass has read it. */
  async get(sha: string): Promise<Fragment[]> {
    if (!this.ended && !this.read.has(sha)) await new Promise<void>((resolve) => this.waiting.set(sha, resolve));
    if (this.ended) await this.reading;
    this.read.delete(sha);
    const fragments = this.found.get(sha) ?? [];
    this.found.delete(sha);
    return fragments;
  }

  /** Waits for the end of the pass; throws what failed it. */
  async finish(): Promise<void> {
    await this.reading;
  }

  private async readAll(options: HistoryOptions, stop: AbortSignal): Promise<void> {
    const { detector } = options;
    const stats = emptyStats();
    let current: string | null = null;
    const passed = () => {
      if (current === null) return;
      this.read.add(current);
      this.waiting.get(current)?.();
      this.waiting.delete(current);
    };
    // Told of each merge as its header is read, which ends the one before.
    const observer: DiffObserver = {
      commit: (info) => {
        passed();
        current = info.sha;
      },
      watches: () => false,
      deleted: () => {},
      removed: () => {},
    };
    const stream = gitStream(logArgs(options.revisions, ['--merges', '--remerge-diff', '--reverse', '--topo-order']), { cwd: options.cwd, env: diffEnv() });
    const onBinary = (file: string, blob: string, commit: CommitInfo | null) => this.binaries.push({ file, blob, commit });
    for await (const fragment of diffFragments(stream, { source: options.source, contextLines: options.contextLines, stats, log: true, observer, onBinary })) {
      if (stop.aborted) break; // leaving the loop ends gitStream, which kills its git
      if (fragment.message || detector.detect(fragment).length === 0) continue;
      const sha = fragment.commit!.sha;
      const list = this.found.get(sha);
      if (list) list.push(fragment);
      else this.found.set(sha, [fragment]);
    }
    passed();
    options.stats.files += stats.files;
    options.stats.bytes += stats.bytes;
    options.stats.binarySkipped += stats.binarySkipped;
  }
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
  // Read alongside the main stream, so its git runs on the other core; a failure surfaces at the next merge.
  const merges = new MergeResolutions(options, stop.signal);
  try {
    const stream = gitStream(logArgs(options.revisions, ['--reverse', '--topo-order']), { cwd, env: diffEnv() });
    const binaries: BlobTarget[] = [];
    const onBinary = (file: string, blob: string, commit: CommitInfo | null) => binaries.push({ file, blob, commit });
    yield* diffFragments(stream, { source, contextLines, stats, log: true, observer, onBinary, inserts: (sha) => merges.get(sha) });
    await merges.finish();
    yield* binaryBlobFragments([...binaries, ...merges.binaries], { cwd, contextLines, stats, source });
  } finally {
    stop.abort();
  }
}
