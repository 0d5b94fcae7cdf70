// The pre-commit scan. Plain child processes only: this runs on every commit, and loading simple-git or
// yargs would cost the hook more than the scan itself.
import type { BlobTarget } from '../git/blobs.js';
import { gitStream, records } from '../git/stream.js';
import type { FragmentOrBatch, ScanStats } from '../types.js';
import { binaryBlobFragments, blobFragments } from './blobs.js';
import { diffFragmentBatches } from './diff.js';
import { CHANGE_DIFF_ARGS, DIFF_SCOPE_ARGS, diffEnv } from './diff-options.js';
import { nameFragment } from './names.js';

export interface StagedOptions {
  cwd: string;
  /** --index: whole staged files instead of added lines */
  wholeFiles: boolean;
  contextLines: number;
  stats: ScanStats;
}

// `git diff --cached` compares the index with HEAD, or with the empty tree before the first commit. It reads
// GIT_INDEX_FILE like every git command, so the temporary index of `git commit -a` / `git commit PATH` is
// the one scanned.
const CACHED = ['diff', '--cached', '--no-ext-diff'];

/**
 * The files the next commit adds or changes, with their staged blob ids: what --index reads whole.
 * Submodules (160000) hold no file text; a symlink's blob (120000) is its target, read like a file.
 */
async function stagedBlobs(cwd: string): Promise<BlobTarget[]> {
  const targets: BlobTarget[] = [];
  // --raw -z: ":old new oldblob newblob status" NUL path NUL, one record at a time
  let header: string | null = null;
  for await (const record of records(gitStream([...CACHED, ...DIFF_SCOPE_ARGS, '--raw', '-z', '--no-renames', '--no-abbrev', '--diff-filter=AMT'], { cwd, env: diffEnv() }))) {
    if (header === null) {
      header = record;
      continue;
    }
    const [, mode, , blob] = header.split(' ');
    header = null;
    if (mode.startsWith('100') || mode === '120000') targets.push({ file: record, blob });
  }
  return targets;
}

/**
 * What the next commit adds, read from the index: the added lines of the staged diff (new-file line
 * numbers), or with wholeFiles the whole staged files. Files git calls binary because of a stray NUL are
 * read whole from the index, and skipped only if they really are binary.
 */
export async function* stagedFragments(options: StagedOptions): AsyncGenerator<FragmentOrBatch> {
  const { cwd, stats, contextLines } = options;
  if (options.wholeFiles) {
    const targets = await stagedBlobs(cwd);
    for (const { file } of targets) {
      const name = nameFragment({ file, source: 'staged', commit: null });
      if (name) yield name;
    }
    yield* blobFragments(targets, { cwd, contextLines, stats, source: 'staged' });
    return;
  }
  const binaries: BlobTarget[] = [];
  const unmerged: string[] = [];
  const diff = gitStream([...CACHED, ...CHANGE_DIFF_ARGS], { cwd, env: diffEnv() });
  yield* diffFragmentBatches(diff, {
    source: 'staged',
    contextLines,
    stats,
    onBinary: (file, blob) => binaries.push({ file, blob }),
    onUnmerged: (file) => unmerged.push(file),
  });
  yield* binaryBlobFragments(binaries, { cwd, contextLines, stats, source: 'staged' });
  if (unmerged.length) {
    stats.notes.push(`${unmerged.length} unmerged path(s) not scanned (${unmerged.slice(0, 3).join(', ')}${unmerged.length > 3 ? ', …' : ''}): they are scanned once resolved and staged`);
  }
}
