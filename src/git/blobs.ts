import type { CommitInfo } from '../types.js';
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

/** One blob read by blobContents: its bytes, streamed. */
export interface BlobContent {
  target: BlobTarget;
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
 * The next `cat-file --batch` header: the object's id, and the bytes that follow it (its body and the newline
 * after it), null for a missing object; null at the end of the output.
 */
async function nextHeader(reader: StreamReader): Promise<{ id: string; bytes: number | null } | null> {
  let header = reader.line();
  while (header === undefined && (await reader.fill())) header = reader.line();
  if (header === undefined) return null;
  const [id, type, size] = header.toString('latin1').split(' ');
  return { id, bytes: type === 'missing' || size === undefined ? null : Number(size) + 1 };
}

/**
 * The contents of blobs, read through `git cat-file --batch` and streamed (a staged file of gigabytes never
 * sits in memory). What a reader leaves unread of a blob (a binary after its first bytes) is passed over when
 * it asks for the next one. Missing objects are left out.
 */
export async function* blobContents(targets: BlobTarget[], cwd: string): AsyncGenerator<BlobContent> {
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
        yield { target, bytes: blobBytes(reader, remaining) };
        if (remaining.bytes > UNREAD_LIMIT) break;
        for await (const _ of blobBytes(reader, remaining));
      }
    } finally {
      await reader.close();
    }
  }
}

/**
 * Which of the objects named on `ids` (lines of object ids, given as they become known) hold a NUL byte, in
 * the order given, checked in one `git cat-file --batch` pass that hands no object out: commit and tag objects
 * almost never hold one, and a history has tens of thousands of them (reading each as blobContents does cost
 * express's scan 0.3 s of CPU, a sixth of it). Each chunk of git's output is searched for a NUL once, and a
 * header's size says where its object ends: express's 6,413 commits, 2.3 MB, cost ~50 ms of Node's CPU read
 * an object at a time.
 */
export function objectsWithNul(ids: AsyncIterable<string>, cwd: string): Promise<Set<string>> {
  return objectsWithNulIn(gitStream(CAT_FILE, { cwd, input: ids, env: storedObjectsEnv() }));
}

/** The ids of the objects in `cat-file --batch` output (chunked anyhow) that hold a NUL byte. */
export async function objectsWithNulIn(output: AsyncIterable<Buffer>): Promise<Set<string>> {
  const found = new Set<string>();
  let cutHeader = NO_BYTES; // a header line the end of a chunk cut
  let id = '';
  let left = 0; // bytes of the current object (and the newline after it) still to come
  for await (const chunk of output) {
    let nul = chunk.indexOf(0);
    for (let pos = 0; pos < chunk.length; ) {
      if (left > 0) {
        const end = Math.min(chunk.length, pos + left);
        if (nul !== -1 && nul < pos) nul = chunk.indexOf(0, pos);
        if (nul !== -1 && nul < end) found.add(id);
        left -= end - pos;
        pos = end;
        continue;
      }
      const newline = chunk.indexOf(10, pos);
      if (newline === -1) {
        cutHeader = Buffer.concat([cutHeader, chunk.subarray(pos)]);
        break;
      }
      const header = cutHeader.length ? Buffer.concat([cutHeader, chunk.subarray(pos, newline)]) : chunk.subarray(pos, newline);
      cutHeader = NO_BYTES;
      pos = newline + 1;
      const [name, type, size] = header.toString('latin1').split(' ');
      id = name;
      left = type === 'missing' || size === undefined ? 0 : Number(size) + 1;
    }
  }
  return found;
}
