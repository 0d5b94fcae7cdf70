import type { CommitInfo } from '../types.js';
import { LineFeed } from './line-feed.js';
import { StreamReader } from './reader.js';
import { gitStream, storedObjectsEnv } from './stream.js';

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

/** One object read by blobContents: its type (a blob, unless the caller named other objects) and its bytes, streamed. */
export interface BlobContent<T extends BlobTarget = BlobTarget> {
  target: T;
  type: string;
  bytes: AsyncIterable<Buffer>;
}

/**
 * More unread bytes of a blob than this (a large binary judged by its first bytes) are not piped through to
 * be passed over: the cat-file process is ended and another one reads the blobs after it.
 */
const UNREAD_LIMIT = 4 * 1024 * 1024;

/**
 * The ids go to git whole, so --buffer lets it write its output in blocks: without it git writes (and Node
 * reads) each object apart, thousands of small reads for a history's commits (express's 6,413: 110 ms against
 * 45 ms).
 */
const CAT_FILE = ['cat-file', '--batch', '--buffer'];

const NO_BYTES = Buffer.alloc(0);

/**
 * A `cat-file --batch` header line: the object's id, and the bytes that follow it (its body and the newline
 * after it), null for a missing object.
 */
function parseHeader(line: Buffer): { id: string; bytes: number | null } {
  const space = line.indexOf(32);
  return { id: line.toString('latin1', 0, space === -1 ? line.length : space), bytes: bodyBytes(line) };
}

/**
 * What parseHeader says of the bytes after a header (`<id> <type> <size>` or `<id> missing`), read off its
 * last digits without a string made: commit objects are read by the ten thousand.
 */
function bodyBytes(line: Buffer): number | null {
  let size = 0;
  let scale = 1;
  let end = line.length - 1;
  for (; end >= 0 && line[end] >= 48 && line[end] <= 57; end--, scale *= 10) size += (line[end] - 48) * scale;
  return scale === 1 || line[end] !== 32 ? null : size + 1;
}

/** The next `cat-file --batch` header (see parseHeader), with the object's type; null at the end of the output. */
async function nextHeader(reader: StreamReader): Promise<{ id: string; type: string; bytes: number | null } | null> {
  let header = reader.line();
  while (header === undefined && (await reader.fill())) header = reader.line();
  if (header === undefined) return null;
  return { ...parseHeader(header), type: header.toString('latin1', header.indexOf(32) + 1, header.lastIndexOf(32)) };
}

/**
 * The contents of blobs, read through `git cat-file --batch` and streamed (a staged file of gigabytes never
 * sits in memory). What a reader leaves unread of a blob (a binary after its first bytes) is passed over when
 * it asks for the next one. Missing objects are left out.
 */
export async function* blobContents<T extends BlobTarget>(targets: readonly T[], cwd: string): AsyncGenerator<BlobContent<T>> {
  let next = 0;
  while (next < targets.length) {
    const input = targets.slice(next).map((t) => t.blob).join('\n') + '\n';
    const reader = new StreamReader(gitStream(CAT_FILE, { cwd, input, env: storedObjectsEnv() }));
    try {
      while (next < targets.length) {
        const target = targets[next++];
        const header = await nextHeader(reader);
        if (header === null) return;
        if (header.bytes === null) continue;
        const remaining = { bytes: header.bytes };
        yield { target, type: header.type, bytes: blobBytes(reader, remaining) };
        if (remaining.bytes > UNREAD_LIMIT) break;
        for await (const _ of blobBytes(reader, remaining));
      }
    } finally {
      await reader.close();
    }
  }
}

/** An object read whole: its id and bytes (without the newline cat-file writes after each). */
export interface RawObject {
  id: string;
  bytes: Buffer;
}

/**
 * The objects of `git cat-file --batch` output (chunked anyhow), each whole, in batches: one per chunk of the
 * output. For small objects read by the thousand (commits, tags): a header's size says where its object ends,
 * so there is one await per chunk instead of a reader call and an await per object (express's 6,413 commits,
 * 2.3 MB, cost ~50 ms of Node's CPU read an object at a time). Missing objects are left out, and so are those
 * `wanted` turns down (pickObjects keeps a few of thousands: the rest cost a test each, and no id or copy).
 */
export async function* wholeObjects(output: AsyncIterable<Buffer>, wanted: (bytes: Buffer) => boolean = () => true): AsyncGenerator<RawObject[]> {
  let cutHeader = NO_BYTES; // a header line the end of a chunk cut
  let header: Buffer = NO_BYTES;
  let left = 0; // bytes of the current object (and the newline after it) still to come
  let parts: Buffer[] = [];
  for await (const chunk of output) {
    const batch: RawObject[] = [];
    for (let pos = 0; pos < chunk.length; ) {
      if (left > 0) {
        const end = Math.min(chunk.length, pos + left);
        parts.push(chunk.subarray(pos, end));
        left -= end - pos;
        pos = end;
        if (left === 0) {
          // Joined only when a chunk cut it: one object per chunk at most.
          const whole = parts.length === 1 ? parts[0] : Buffer.concat(parts);
          const bytes = whole.subarray(0, whole.length - 1);
          if (wanted(bytes)) batch.push({ id: parseHeader(header).id, bytes });
        }
        continue;
      }
      const newline = chunk.indexOf(10, pos);
      if (newline === -1) {
        cutHeader = Buffer.concat([cutHeader, chunk.subarray(pos)]);
        break;
      }
      header = cutHeader.length ? Buffer.concat([cutHeader, chunk.subarray(pos, newline)]) : chunk.subarray(pos, newline);
      cutHeader = NO_BYTES;
      pos = newline + 1;
      left = bodyBytes(header) ?? 0;
      parts = [];
    }
    if (batch.length) yield batch;
  }
}

/** The objects named by `targets`, each whole (see wholeObjects), with the targets that name it. */
export async function* smallObjects<T extends BlobTarget>(targets: readonly T[], cwd: string): AsyncGenerator<{ bytes: Buffer; targets: T[] }> {
  const byId = new Map<string, T[]>();
  for (const target of targets) {
    const named = byId.get(target.blob);
    if (named) named.push(target);
    else byId.set(target.blob, [target]);
  }
  if (byId.size === 0) return;
  const input = `${[...byId.keys()].join('\n')}\n`;
  for await (const batch of wholeObjects(gitStream(CAT_FILE, { cwd, input, env: storedObjectsEnv() }))) {
    for (const { id, bytes } of batch) yield { bytes, targets: byId.get(id) ?? [] };
  }
}

/**
 * The objects named on `ids` (lines of object ids, given as they become known) that `wanted` keeps, in one
 * `git cat-file --batch` pass beside the history: a test of each of a history's tens of thousands of commits,
 * of which it keeps a few. Those kept are copied out of git's output, read once.
 */
export async function pickObjects(ids: AsyncIterable<string>, cwd: string, wanted: (bytes: Buffer) => boolean): Promise<RawObject[]> {
  const found: RawObject[] = [];
  for await (const batch of wholeObjects(gitStream(CAT_FILE, { cwd, input: ids, env: storedObjectsEnv() }), wanted)) {
    for (const { id, bytes } of batch) found.push({ id, bytes: Buffer.from(bytes) });
  }
  return found;
}

/**
 * Objects read one at a time, each when its reader asks for it, through one `git cat-file --batch` started at
 * the first (without --buffer, git writes each object as it is asked for): for the rare commits a log stream
 * cannot print as stored (see LOG_FORMAT), read in their place in the stream.
 */
export class ObjectReader {
  private ids: LineFeed | null = null;
  private reader: StreamReader | null = null;

  constructor(private readonly cwd: string) {}

  /** The object's bytes, or null when it is missing. */
  async read(id: string): Promise<Buffer | null> {
    if (!this.ids || !this.reader) {
      this.ids = new LineFeed(1);
      this.reader = new StreamReader(gitStream(['cat-file', '--batch'], { cwd: this.cwd, input: this.ids, env: storedObjectsEnv() }));
    }
    this.ids.push(id);
    const header = await nextHeader(this.reader);
    if (header === null || header.bytes === null) return null;
    const parts: Buffer[] = [];
    for await (const bytes of blobBytes(this.reader, { bytes: header.bytes })) parts.push(Buffer.from(bytes));
    const whole = Buffer.concat(parts);
    return whole.subarray(0, whole.length - 1);
  }

  async close(): Promise<void> {
    this.ids?.end();
    await this.reader?.close();
  }
}
