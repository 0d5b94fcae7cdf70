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

/**
 * Fragments of the files a diff called binary ("Binary files differ"). git calls a file binary for a NUL byte
 * in its first 8,000 bytes or for a `.gitattributes` `-diff`/`binary` entry, and a text file can have either
 * (a stray NUL, UTF-16, a change that marks its own file so), so each is read whole and judged by keyguard's
 * own test (textOf): real binaries are skipped and counted. A blob seen again under the same name (a file
 * changed back, or two branches that made the same change) is read once.
 */
export function binaryBlobFragments(targets: BlobTarget[], options: BlobOptions): AsyncGenerator<Fragment> {
  const seen = new Set<string>();
  const unique = targets.filter((target) => {
    const key = `${target.blob} ${target.file}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return blobFragments(unique, options);
}
