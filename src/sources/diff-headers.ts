import type { ObjectReader } from '../git/blobs.js';
import type { TextReader } from '../git/reader.js';
import type { CommitInfo } from '../types.js';
import { LOG_FIELDS } from './diff-options.js';
import { parseObject, personOf } from './raw-objects.js';

// The header lines of a diff and of a LOG_FORMAT commit, as DiffParser (diff.ts) meets them.

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

// Submodule pointers hold a commit id, no text. (A symlink's blob is its target, a path that can hold a key.)
export const SKIPPED_MODES = new Set(['160000']);

/** A hunk header's counts: lines on each side (1 when git leaves the count out), and where the new side starts. */
export interface Hunk {
  oldCount: number;
  newStart: number;
  newCount: number;
}

export function parseHunk(text: string): Hunk | null {
  const hunk = HUNK.exec(text);
  if (!hunk) return null;
  return { oldCount: hunk[1] === undefined ? 1 : Number(hunk[1]), newStart: Number(hunk[2]), newCount: hunk[3] === undefined ? 1 : Number(hunk[3]) };
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/**
 * A path as git prints it in a diff header: C-quoted ("a\\tb", octal bytes) when it holds special bytes,
 * else raw, then followed by a tab when it holds a space. Returns the path and where it ended.
 */
export function readPath(text: string, from = 0): { path: string; end: number } {
  if (text[from] !== '"') {
    const tab = text.indexOf('\t', from);
    return { path: text.slice(from, tab === -1 ? text.length : tab), end: text.length };
  }
  const bytes: number[] = [];
  let i = from + 1;
  for (; i < text.length && text[i] !== '"'; i++) {
    if (text[i] !== '\\') {
      bytes.push(...Buffer.from(text[i], 'utf8'));
      continue;
    }
    const next = text[++i];
    if (next >= '0' && next <= '7') {
      bytes.push(parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
  }
  return { path: Buffer.from(bytes).toString('utf8'), end: i + 1 };
}

export const stripPrefix = (path: string) => path.replace(/^[ab]\//, '');

/** The new path from `diff --git a/X b/Y` when it is unambiguous (not a rename): quoted, or X equal to Y. */
export function pathOfDiffLine(rest: string): string | null {
  if (rest.startsWith('"')) {
    const first = readPath(rest);
    return rest[first.end + 1] === '"' ? stripPrefix(readPath(rest, first.end + 1).path) : stripPrefix(rest.slice(first.end + 1));
  }
  const half = (rest.length - 1) / 2;
  if (!Number.isInteger(half) || rest.slice(2, half) !== rest.slice(half + 3)) return null;
  return rest.slice(half + 3);
}

/** A commit as a LOG_FORMAT header names it. */
export interface LogHeader {
  commit: CommitInfo;
  /** two or more parents */
  merge: boolean;
  message: string;
  /** the encoding the commit object names, when git's re-encoding from it may have changed ASCII text (see ASCII_KEPT) */
  encoding: string | null;
}

/**
 * Encodings whose re-encoding to UTF-8 leaves every ASCII byte as it was, whatever bytes stand around it: UTF-8
 * (git does not re-encode it), the single-byte sets (ISO-8859, Windows code pages, KOI8) and EUC, whose
 * multi-byte characters are all bytes of 0xA1 and above. git log prints their fields readably, keys intact:
 * read from the objects, a repository of latin-1 commits cost a round trip to git each (3,000 of them: +0.4 s).
 * Any other name is read as stored: one that garbles ASCII (IBM037, UTF-16), and Shift_JIS, GBK or Big5,
 * whose second bytes can be ASCII letters that a crafted first byte joins to itself.
 */
const ASCII_KEPT = /^(?:utf-?8|(?:us-?)?ascii|iso[-_]?8859-\d{1,2}|latin-?\d{1,2}|(?:windows|cp)-?125\d|koi8-?[ru]|euc-?(?:jp|kr|cn))$/i;

/**
 * A LOG_FORMAT header as the parser meets it: it starts with `first` and runs on over the lines of its message
 * until all its LOG_FIELDS NULs are read. Read synchronously while the reader holds the lines (most headers),
 * without an await per commit.
 */
export class LogHeaderLines {
  private text: string;
  private nuls: number;

  constructor(first: string) {
    this.text = first;
    this.nuls = countNuls(first);
  }

  /** Takes the reader's lines while the header lacks some: true once it is whole (or the stream is over), false when the reader needs fill(). */
  readFrom(reader: TextReader): boolean {
    while (this.nuls < LOG_FIELDS) {
      const complete = reader.complete;
      const line = reader.line();
      if (line === undefined) return reader.done;
      // a piece of a long line continues the one before it
      this.text += complete ? `\n${line}` : line;
      this.nuls += countNuls(line);
    }
    return true;
  }

  /** The header: its commit, and its message without the trailing newlines. */
  parse(): LogHeader {
    // Indexed, not destructured: read once per commit, often before V8 optimizes it, when destructuring
    // allocates an iterator and a result per field.
    const fields = this.text.split('\0');
    const ids = fields[2].split(' ');
    let parents = 0;
    for (let i = 1; i < ids.length; i++) if (ids[i]) parents++;
    const commit = { sha: ids[0], author: fields[3], email: fields[4], date: fields[5] };
    const encoding = fields[6] && !ASCII_KEPT.test(fields[6]) ? fields[6] : null;
    return { commit, merge: parents > 1, message: (fields[7] ?? '').replace(/\n+$/, ''), encoding };
  }
}

/**
 * A commit git re-encoded from the encoding its object names, as stored: its message (up to a NUL, as git
 * prints it; messageTailFragments reads past one) and author, decoded as UTF-8. AWS keys are ASCII, and so is
 * every encoding real messages use, but for those that would hide a key (IBM037, UTF-16), which git log garbles.
 */
export async function storedHeader(header: LogHeader, objects: ObjectReader): Promise<LogHeader> {
  const bytes = await objects.read(header.commit.sha);
  if (bytes === null) return header;
  const { headers, message } = parseObject(bytes);
  const commit = { sha: header.commit.sha, ...personOf(headers.get('author')) };
  return { ...header, commit, message: message.split('\0', 1)[0] };
}

function countNuls(line: string): number {
  let n = 0;
  for (let i = line.indexOf('\0'); i !== -1; i = line.indexOf('\0', i + 1)) n++;
  return n;
}
