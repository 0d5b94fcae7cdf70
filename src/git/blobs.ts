import { fragmentsOf } from '../sources/files.js';
import type { CommitInfo, Fragment, ScanStats, SourceKind } from '../types.js';
import { StreamReader } from './reader.js';
import { gitStream, records } from './stream.js';

export interface BlobTarget {
  /** how findings name it */
  file: string;
  /** object id */
  blob: string;
  /** the commit that holds it, for blobs read out of history */
  commit?: CommitInfo | null;
}

export interface BlobOptions {
  cwd: string;
  contextLines: number;
  stats: ScanStats;
  source: SourceKind;
}

/**
 * The next `remaining.bytes` bytes of the stream (a blob's body after its `cat-file --batch` header), counting
 * down as they go so that what a reader leaves unread can be skipped.
 */
async function* blobBytes(reader: StreamReader, remaining: { bytes: number }): AsyncGenerator<Buffer> {
  while (remaining.bytes > 0) {
    const bytes = reader.take(remaining.bytes);
    if (bytes === undefined) {
      if (!(await reader.fill())) return;
      continue;
    }
    remaining.bytes -= bytes.length;
    yield bytes;
  }
}

/**
 * Fragments of whole blobs, read through one `git cat-file --batch` process and streamed (a staged file of
 * gigabytes never sits in memory). Binaries are skipped and counted as files.ts does.
 */
export async function* blobFragments(targets: BlobTarget[], options: BlobOptions): AsyncGenerator<Fragment> {
  if (targets.length === 0) return;
  const input = targets.map((t) => t.blob).join('\n') + '\n';
  const reader = new StreamReader(gitStream(['cat-file', '--batch'], { cwd: options.cwd, input }));
  try {
    for (const target of targets) {
      let header = reader.line();
      while (header === undefined && (await reader.fill())) header = reader.line();
      if (header === undefined) return;
      const [, type, size] = header.toString('latin1').split(' ');
      if (type === 'missing' || size === undefined) continue;
      const base = { file: target.file, source: options.source, commit: target.commit ?? null };
      // +1: the newline after the body
      const remaining = { bytes: Number(size) + 1 };
      yield* fragmentsOf(blobBytes(reader, remaining), base, options.contextLines, options.stats);
      // A binary blob is left unread after its first chunk: pass over the rest.
      for await (const _ of blobBytes(reader, remaining));
    }
  } finally {
    await reader.close();
  }
}

/**
 * The targets git calls binary only because `.gitattributes` says so (`-diff`, `binary`): a change can mark
 * its own file that way to print "Binary files differ" instead of its lines, so history and range scans read
 * those blobs whole. Real binaries (git's own NUL check) stay skipped: reading them would cost much and find
 * nothing. One `git check-attr` for all the paths.
 */
export async function attributeBinaries(cwd: string, targets: BlobTarget[]): Promise<BlobTarget[]> {
  if (targets.length === 0) return [];
  const paths = [...new Set(targets.map((t) => t.file))];
  const forced = new Set<string>();
  // -z output: path NUL attribute NUL value NUL, for each path
  const fields: string[] = [];
  for await (const field of records(gitStream(['check-attr', '-z', '--stdin', 'diff'], { cwd, input: `${paths.join('\0')}\0` }))) fields.push(field);
  for (let i = 0; i + 2 < fields.length; i += 3) if (fields[i + 2] === 'unset') forced.add(fields[i]);
  return targets.filter((t) => forced.has(t.file));
}

