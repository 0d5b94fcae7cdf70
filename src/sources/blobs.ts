import { type BlobTarget, blobContents } from '../git/blobs.js';
import type { Fragment, ScanStats, SourceKind } from '../types.js';
import { fragmentsOf } from './files.js';

export interface BlobOptions {
  cwd: string;
  contextLines: number;
  stats: ScanStats;
  source: SourceKind;
}

/** Fragments of whole blobs (see blobContents). Binaries are skipped and counted as files.ts does. */
export async function* blobFragments(targets: BlobTarget[], options: BlobOptions): AsyncGenerator<Fragment> {
  for await (const { target, bytes } of blobContents(targets, options.cwd)) {
    yield* fragmentsOf(bytes, { file: target.file, source: options.source, commit: target.commit ?? null }, options.contextLines, options.stats);
  }
}
