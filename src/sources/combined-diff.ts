import { TextReader } from '../git/reader.js';
import type { CommitInfo, Fragment, ScanStats, SourceKind } from '../types.js';
import { chunkText } from './chunker.js';
import { readPath, SKIPPED_MODES, stripPrefix } from './diff-headers.js';
import { DIFF_ARGS } from './diff-options.js';

/**
 * Options for `git diff-tree --stdin --cc` on merges: the dense combined diff of a merge against all its
 * parents, in the shape CombinedParser reads (DIFF_ARGS, less the added-line mark, which combined diffs do not
 * take). Dense (--cc, not -c) leaves out the hunks where the merge took one parent's text as it was: none of
 * them holds a line new to every parent, and they were half of the output (express: 2.4 -> 1.1 MB, the same
 * lines found on express, boto3 and botocore).
 */
export const COMBINED_ARGS = ['--cc', '-p', '--always', ...DIFF_ARGS.filter((arg) => !arg.startsWith('--output-indicator')), '--format=%x00%H%x00%an%x00%ae%x00%aI'];

/**
 * Written after each merge id on diff-tree's stdin: diff-tree echoes a line that is no object id and flushes
 * its output, so each merge's diff arrives whole, ended by this line, without waiting for the next id.
 */
export const END_OF_MERGE = '#';

export interface CombinedOptions {
  source: SourceKind;
  contextLines: number;
  stats: ScanStats;
  /** told when a merge's diff has been read whole (its END_OF_MERGE line) */
  ended: (sha: string) => void;
  /** a file of a merge that git calls binary, by the merge's blob id (see binaryBlobFragments) */
  onBinary: (file: string, blob: string, commit: CommitInfo | null) => void;
}

const HUNK = /^(@{3,}) (?:-\d+(?:,\d+)? )+\+(\d+)(?:,\d+)? @/;

/**
 * Reads the combined diffs of merges and yields, as fragments, the lines of each merge that are in none of
 * its parents (a `+` in every parent's column): the text its resolution wrote. A line kept from one parent is
 * in that parent's history, where the scan reads it. Lines keep their numbers in the merge's file; lines a few
 * apart share a fragment (so pairing rules see each other), and a very long line is cut by chunkText.
 */
class CombinedParser {
  private readonly reader: TextReader;
  private commit: CommitInfo | null = null;
  private file: string | null = null;
  private skipFile = false;
  private fileCounted = false;
  /** the merge's blob of the file */
  private blob = '';
  /** parents of the merge, in the hunk being read: its lines begin with one column per parent; 0 outside a hunk */
  private columns = 0;
  /** the merge's line number of the next line of the hunk */
  private newLine = 0;

  constructor(
    stream: AsyncIterable<Buffer>,
    private readonly options: CombinedOptions,
  ) {
    this.reader = new TextReader(stream);
  }

  async *fragments(): AsyncGenerator<Fragment> {
    const reader = this.reader;
    try {
      for (;;) {
        const line = reader.line();
        if (line === undefined) {
          if (!(await reader.fill())) break;
          continue;
        }
        if (this.columns > 0 && this.isHunkLine(line)) {
          if (this.isAdded(line) && !this.skipFile) {
            reader.unread();
            yield* this.run();
          } else {
            this.passLine(line);
            if (!reader.complete) await this.skipPieces();
          }
          continue;
        }
        this.columns = 0;
        if (!reader.complete) await this.skipPieces();
        this.headerLine(line);
      }
    } finally {
      await reader.close();
    }
  }

  private isHunkLine(line: string): boolean {
    const first = line.charCodeAt(0);
    return first === 32 /* space */ || first === 43 /* + */ || first === 45 /* - */ || first === 92; /* \ */
  }

  /** In none of the parents: a `+` in every column. */
  private isAdded(line: string): boolean {
    for (let i = 0; i < this.columns; i++) if (line.charCodeAt(i) !== 43) return false;
    return true;
  }

  /**
   * A hunk line that is not added: the merge's line numbers move on past the lines it holds (a `-` in a
   * parent's column is a line the merge does not have). Synchronous: most of a merge's diff is such lines.
   */
  private passLine(line: string): void {
    if (line.charCodeAt(0) === 92 /* \ */) return;
    for (let i = 0; i < this.columns; i++) if (line.charCodeAt(i) === 45 /* - */) return;
    this.newLine++;
  }

  /** Reads past the rest of a line too long to hold, which TextReader gives in pieces. */
  private async skipPieces(): Promise<void> {
    const reader = this.reader;
    while (!reader.complete) {
      if (reader.line() === undefined && !(await reader.fill())) return;
    }
  }

  private headerLine(line: string): void {
    if (line.length === 0) return;
    if (line.charCodeAt(0) === 0) {
      const [, sha, author, email, date] = line.split('\0');
      this.commit = { sha, author, email, date };
      this.startFile(null);
    } else if (line === END_OF_MERGE) {
      if (this.commit) this.options.ended(this.commit.sha);
      this.commit = null;
    } else if (line.startsWith('@@')) {
      const hunk = HUNK.exec(line);
      if (hunk) {
        this.columns = hunk[1].length - 1;
        this.newLine = Number(hunk[2]);
      }
    } else if (line.startsWith('diff --cc ')) {
      this.startFile(readPath(line, line.indexOf(' ', 5) + 1).path);
    } else if (line.startsWith('+++ ')) {
      if (line === '+++ /dev/null') this.skipFile = true;
      else this.file = stripPrefix(readPath(line, 4).path);
    } else if (line.startsWith('index ')) {
      this.blob = line.slice(line.indexOf('..') + 2).split(' ')[0];
    } else if (line.startsWith('new file mode ') || line.startsWith('mode ')) {
      if (SKIPPED_MODES.has(line.slice(line.search(/[0-9]+$/)))) this.skipFile = true;
    } else if (line.startsWith('Binary files ')) {
      if (!this.skipFile && this.file !== null && this.blob) this.options.onBinary(this.file, this.blob, this.commit);
    }
  }

  private startFile(path: string | null): void {
    this.file = path;
    this.skipFile = false;
    this.fileCounted = false;
    this.blob = '';
    this.columns = 0;
  }

  /** Added lines from here on, as fragments: through chunkText, which bounds their size. */
  private async *run(): AsyncGenerator<Fragment> {
    if (!this.fileCounted) {
      this.fileCounted = true;
      this.options.stats.files++;
    }
    const first = this.newLine;
    const base = { file: this.file ?? '(unknown)', source: this.options.source, commit: this.commit };
    for await (const fragment of chunkText(this.runTexts(), base, { contextLines: this.options.contextLines })) {
      fragment.line += first - 1; // chunkText numbers from 1
      yield fragment;
    }
  }

  /**
   * The text of a run of added lines, read as it goes: on through the lines between (which keep the numbers
   * right) while the next added line of the same file is at most contextLines further, as empty lines.
   */
  private async *runTexts(): AsyncGenerator<string> {
    const reader = this.reader;
    const { stats, contextLines } = this.options;
    let next = this.newLine; // the line the text so far ends before
    for (;;) {
      const line = reader.line();
      if (line === undefined) {
        if (!(await reader.fill())) return;
        continue;
      }
      if (line.startsWith('@@')) {
        const hunk = HUNK.exec(line);
        if (hunk && Number(hunk[2]) >= next && Number(hunk[2]) - next <= contextLines) {
          this.newLine = Number(hunk[2]);
          continue;
        }
      } else if (this.isHunkLine(line)) {
        if (!this.isAdded(line)) {
          this.passLine(line);
          if (!reader.complete) await this.skipPieces();
          continue;
        }
        if (this.newLine - next <= contextLines) {
          const text = line.slice(this.columns);
          yield '\n'.repeat(this.newLine - next) + text;
          stats.bytes += Buffer.byteLength(text);
          while (!reader.complete) {
            const piece = reader.line();
            if (piece === undefined) {
              if (!(await reader.fill())) return;
              continue;
            }
            stats.bytes += Buffer.byteLength(piece);
            yield piece;
          }
          yield '\n';
          this.newLine++;
          next = this.newLine;
          continue;
        }
      }
      reader.unread();
      return;
    }
  }
}

/** The new lines of merges, from `git diff-tree --stdin` with COMBINED_ARGS (see CombinedParser). */
export function combinedFragments(stream: AsyncIterable<Buffer>, options: CombinedOptions): AsyncGenerator<Fragment> {
  return new CombinedParser(stream, options).fragments();
}
