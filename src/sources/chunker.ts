import type { Fragment } from '../types.js';

/** What a source knows of its text before reading it. */
export type FragmentBase = Omit<Fragment, 'text' | 'line' | 'column' | 'reportStart' | 'reportEnd'>;

export interface ChunkerOptions {
  /** lines of context kept on each side of a seam, so pairing rules see across it */
  contextLines: number;
  /** text gathered before a fragment is emitted */
  targetSize?: number;
  /** a line longer than this is cut into pieces that overlap by `overlap` characters */
  maxLineLength?: number;
  overlap?: number;
}

const TARGET_SIZE = 256 * 1024;
const MAX_LINE_LENGTH = 1024 * 1024;
// Longer than any secret the rules match whole (session tokens run to ~1,200 characters).
const OVERLAP = 4096;

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Offset of the start of the line `n` lines before the line that starts at `offset` (not before `floor`). */
function linesBack(text: string, offset: number, n: number, floor: number): number {
  let start = offset;
  for (let i = 0; i < n && start > floor; i++) {
    const nl = text.lastIndexOf('\n', start - 2);
    start = nl < floor ? floor : nl + 1;
  }
  return start;
}

/**
 * Cuts a stream of text into Fragments of whole lines with bounded memory: each fragment reports its own
 * lines and carries `contextLines` lines of its neighbours as context; a very long line (a minified file, a
 * 100 MB one-liner) is cut into overlapping pieces so no secret is split.
 */
export async function* chunkText(chunks: AsyncIterable<string> | Iterable<string>, base: FragmentBase, options: ChunkerOptions): AsyncGenerator<Fragment> {
  const target = options.targetSize ?? TARGET_SIZE;
  const maxLine = options.maxLineLength ?? MAX_LINE_LENGTH;
  const overlap = options.overlap ?? OVERLAP;
  const k = options.contextLines;
  let buf = '';
  let line = 1; // line number of buf[0]
  let column = 1; // column of buf[0]
  let reportFrom = 0; // buf[0, reportFrom) was reported by the previous fragment

  for await (const chunk of chunks) {
    buf += chunk;
    while (buf.length - reportFrom >= target) {
      const lastNewline = buf.lastIndexOf('\n');
      if (lastNewline >= reportFrom) {
        // Hold the last k complete lines (and the partial one) back: they are reported next, with context.
        const holdFrom = linesBack(buf, lastNewline + 1, k, reportFrom);
        if (holdFrom > reportFrom) {
          yield { ...base, text: buf.slice(0, lastNewline), line, column, reportStart: reportFrom, reportEnd: holdFrom };
          const keepFrom = linesBack(buf, holdFrom, k, 0);
          line += countNewlines(buf, keepFrom);
          if (keepFrom > 0) column = 1;
          buf = buf.slice(keepFrom);
          reportFrom = holdFrom - keepFrom;
          continue;
        }
      }
      // The unreported text is one line: wait for its end unless it is too long to hold.
      const lineStart = buf.lastIndexOf('\n', buf.length - 1) + 1;
      if (buf.length - lineStart < maxLine) break;
      if (lineStart > reportFrom) {
        // Report the whole lines before the giant one first; they keep their context before, not after.
        yield { ...base, text: buf.slice(0, lineStart - 1), line, column, reportStart: reportFrom, reportEnd: lineStart };
      }
      if (lineStart > 0) {
        // Context lines are no use for pairing with a giant line: drop them to keep the column arithmetic simple.
        line += countNewlines(buf, lineStart);
        column = 1;
        reportFrom = Math.max(0, reportFrom - lineStart);
        buf = buf.slice(lineStart);
      }
      const cut = buf.length - overlap;
      yield { ...base, text: buf, line, column, reportStart: reportFrom, reportEnd: cut };
      column += cut - overlap;
      buf = buf.slice(cut - overlap);
      reportFrom = overlap;
    }
  }
  const text = buf.endsWith('\n') ? buf.slice(0, -1) : buf;
  if (text.length > reportFrom) {
    yield { ...base, text, line, column, reportStart: reportFrom, reportEnd: Number.POSITIVE_INFINITY };
  }
}
