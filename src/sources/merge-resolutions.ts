// History scans run from hooks too (the merge and push checks): plain child processes, no simple-git.
import type { Detector } from '../detect/engine.js';
import type { BlobTarget } from '../git/blobs.js';
import { LineFeed } from '../git/line-feed.js';
import { gitStream, records } from '../git/stream.js';
import { type CommitInfo, emptyStats, type Fragment, type ScanStats, type SourceKind } from '../types.js';
import { COMBINED_ARGS, combinedFragments, END_OF_MERGE } from './combined-diff.js';
import { diffEnv } from './diff-options.js';
import { logArgs, splitPaths } from './log-args.js';

/** How far the merge pass got, for the progress line. */
export interface MergeProgress {
  /** merges whose diff was read */
  read: number;
  /** how many merges have a diff to read, once the selection has seen them all (null before) */
  total: number | null;
}

export interface MergeOptions {
  cwd: string;
  /** the scan's revisions (see logArgs) */
  revisions: string[];
  stats: ScanStats;
  contextLines: number;
  source: SourceKind;
  /** what a merge's text must hold to be kept */
  detector: Detector;
  progress?: MergeProgress;
}

/**
 * The merges that may hold text of their own, oldest first: those with a path whose content differs from every
 * parent's (`-c --raw` lists exactly those paths). Tree comparisons only, no renames, no contents: 0.04
 * CPU-seconds for express's 536 merges (126 chosen), 0.10 for boto3's 4,625 (29), 0.26 for botocore's 6,553
 * (173). A merge whose every file is one parent's version wrote nothing that is not in a parent's history.
 */
const SELECT_ARGS = ['--merges', '--reverse', '--topo-order', '-c', '--raw', '--no-renames', '--format=%x00%H'];

/** A `-c --raw` line of a path that one parent lacks: `::modes ids STATUS\tpath`, an A among the statuses. */
const NEW_TO_A_PARENT = /\n::[^\t\n]* [A-Z]*A[A-Z]*\t/;

/** COMBINED_ARGS without rename detection, for the merges whose paths all stand in every parent (see select). */
const PLAIN_ARGS = COMBINED_ARGS.map((arg) => (arg === '-M' ? '--no-renames' : arg));

/**
 * What merges wrote themselves, by merge id: the lines of a merge that are in none of its parents (a key typed
 * while resolving a conflict, or slipped into an "evil" merge), from its combined diff with renames found
 * (see CombinedParser); what a merge only brings over from its parents is read where it was written.
 *
 * Not `--remerge-diff`: git 2.39 (before 2.48) frees the parents of each commit `git log` has shown, so
 * oldest-first (`--reverse`, or ids given in that order) each re-merge whose merge-base walk crosses a merge
 * shown before it finds a wrong base: 20x the output on express, made of conflicts that never were, at 15 s
 * against 0.7 s newest-first (boto3: 57 s against 0.8 s); and newest-first the main stream would wait for the
 * whole pass at its first merge. A combined diff needs no merge base, so it runs in step with the main stream:
 * the selection (SELECT_ARGS) feeds the merges it chooses to a `git diff-tree --stdin` as it finds them (one
 * that finds renames for the few that need it, see select), and the main stream, at a merge, waits only until
 * that merge has been read. Small gits besides the main stream's; only the fragments where the detector finds
 * something are kept, each dropped once asked for.
 */
export class MergeResolutions {
  /** merges the selection has seen, by id: whether they have a diff to read (dropped once asked for) */
  private readonly chosen = new Map<string, boolean>();
  private selectionEnded = false;
  /** merges whose diff was read, until asked for */
  private readonly read = new Set<string>();
  private readonly found = new Map<string, Fragment[]>();
  /** files of merges that git calls binary, read once the pass is over (see binaryBlobFragments) */
  readonly binaries: BlobTarget[] = [];
  private failure: { error: unknown } | null = null;
  /** the pass is over: the diff-trees' output ended */
  private done = false;
  private readonly work: Promise<void>;
  private tick!: Promise<void>;
  private wake!: () => void;

  constructor(
    private readonly options: MergeOptions,
    private readonly stop: AbortSignal,
  ) {
    this.nextTick();
    stop.addEventListener('abort', () => this.changed());
    this.work = this.readAll()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.done = true;
        this.changed();
      });
  }

  /** The fragments worth scanning that merge `sha` wrote, once read; throws what failed the pass. */
  async get(sha: string): Promise<Fragment[]> {
    await this.until(() => this.done || this.read.has(sha) || this.chosen.get(sha) === false || (this.selectionEnded && !this.chosen.has(sha)));
    if (this.failure) throw this.failure.error;
    this.chosen.delete(sha);
    this.read.delete(sha);
    const fragments = this.found.get(sha) ?? [];
    this.found.delete(sha);
    return fragments;
  }

  /** Waits for the end of the pass; throws what failed it. */
  async finish(): Promise<void> {
    await this.work;
    if (this.failure) throw this.failure.error;
  }

  private nextTick(): void {
    this.tick = new Promise((resolve) => (this.wake = resolve));
  }

  /** Wakes get(): what it waits for may have happened. */
  private changed(): void {
    const wake = this.wake;
    this.nextTick();
    wake();
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.changed();
  }

  /** Resolves once `ready()` holds, or the pass failed, or the scan stopped. */
  private async until(ready: () => boolean): Promise<void> {
    while (!ready() && !this.failure && !this.stop.aborted) await this.tick;
  }

  /**
   * Sends each merge the selection chooses to one of the two diff-trees, its id followed by END_OF_MERGE, as
   * the selection finds them. Renames matter to a merge's combined diff only where a path it wrote is new to a
   * parent (status A in that parent's column: a file renamed on one side and changed on the other): those go to
   * the diff-tree that finds renames, the rest (all but 10 paths of express's 126 merges) to one that does not,
   * which spares git a third of the pass (rename detection over each parent's whole tree diff).
   */
  private async select(plain: LineFeed, renamed: LineFeed): Promise<void> {
    const { progress } = this.options;
    let total = 0;
    try {
      const stream = gitStream(logArgs(this.options.revisions, SELECT_ARGS), { cwd: this.options.cwd });
      for await (const record of records(stream)) {
        if (this.stop.aborted || this.failure) return; // leaving the loop ends gitStream, which kills its git
        if (!record) continue; // before the first merge's NUL
        const newline = record.indexOf('\n');
        const sha = newline === -1 ? record : record.slice(0, newline);
        const chosen = record.includes('\n::');
        this.chosen.set(sha, chosen);
        this.changed();
        if (!chosen) continue;
        total++;
        const feed = NEW_TO_A_PARENT.test(record) ? renamed : plain;
        feed.push(sha);
        feed.push(END_OF_MERGE);
      }
    } catch (error) {
      this.fail(error); // the diff-trees' stdin just ends: the failure is the selection's
    } finally {
      plain.end();
      renamed.end();
    }
    this.selectionEnded = true;
    if (progress) progress.total = total;
    this.changed();
  }

  private async readAll(): Promise<void> {
    const plain = new LineFeed(1);
    const renamed = new LineFeed(1);
    const selection = this.select(plain, renamed);
    const stats = emptyStats();
    await Promise.all([selection, this.readPass(plain, PLAIN_ARGS, stats), this.readPass(renamed, COMBINED_ARGS, stats)]);
    this.options.stats.files += stats.files;
    this.options.stats.bytes += stats.bytes;
    this.options.stats.binarySkipped += stats.binarySkipped;
  }

  /** One diff-tree's combined diffs of the merges `input` names: the fragments that hold something, by merge. */
  private async readPass(input: LineFeed, args: readonly string[], stats: ScanStats): Promise<void> {
    if (!(await input.hasLines())) return;
    const { detector, progress } = this.options;
    const ended = (sha: string) => {
      this.read.add(sha);
      if (progress) progress.read++;
      this.changed();
    };
    const { paths } = splitPaths(this.options.revisions);
    const stream = gitStream(['diff-tree', '--stdin', ...args, ...paths], { cwd: this.options.cwd, env: diffEnv(), input });
    const onBinary = (file: string, blob: string, commit: CommitInfo | null) => this.binaries.push({ file, blob, commit });
    const fragments = combinedFragments(stream, { source: this.options.source, contextLines: this.options.contextLines, stats, ended, onBinary });
    for await (const fragment of fragments) {
      if (this.stop.aborted || this.failure) break; // leaving the loop ends gitStream, which kills its git
      if (detector.detect(fragment).length === 0) continue;
      const sha = fragment.commit!.sha;
      const list = this.found.get(sha);
      if (list) list.push(fragment);
      else this.found.set(sha, [fragment]);
    }
  }
}
