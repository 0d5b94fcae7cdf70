import type { CommitInfo } from '../types.js';
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

/** One blob read by blobContents: its bytes, streamed. */
export interface BlobContent {
  target: BlobTarget;
  bytes: AsyncIterable<Buffer>;
}

/**
 * The contents of blobs, read through one `git cat-file --batch` process and streamed (a staged file of
 * gigabytes never sits in memory). What a reader leaves unread of a blob (a binary after its first chunk) is
 * passed over when it asks for the next one. Missing objects are left out.
 */
export async function* blobContents(targets: BlobTarget[], cwd: string): AsyncGenerator<BlobContent> {
  if (targets.length === 0) return;
  const input = targets.map((t) => t.blob).join('\n') + '\n';
  const reader = new StreamReader(gitStream(['cat-file', '--batch'], { cwd, input }));
  try {
    for (const target of targets) {
      let header = reader.line();
      while (header === undefined && (await reader.fill())) header = reader.line();
      if (header === undefined) return;
      const [, type, size] = header.toString('latin1').split(' ');
      if (type === 'missing' || size === undefined) continue;
      // +1: the newline after the body
      const remaining = { bytes: Number(size) + 1 };
      yield { target, bytes: blobBytes(reader, remaining) };
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

