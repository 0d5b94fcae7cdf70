import type { TextReader } from '../git/reader.js';
import type { CommitInfo, Fragment } from '../types.js';
import { chunkText, type FragmentBase } from './chunker.js';
import { type Hunk, parseHunk } from './diff-headers.js';
import type { DiffOptions } from './diff-options.js';

/**
 * What begins an added line (DIFF_ARGS): a carriage return, which every regex reads as the line break it
 * follows, so a hunk's added lines are handed to the detector as git printed them, without a copy that strips
 * a '+' from each (a third of a history scan's parsing). Fragments say so (Fragment.markedLines).
 */
export const ADDED = 13;

/** Added text gathered before it is handed to the chunker (as chunker.ts gathers a fragment). */
export const RUN_SIZE = 256 * 1024;

interface AddedRun {
  parts: string[];
  size: number;
  /** the new-file line the run starts at */
  first: number;
  /** the new-file line the text so far ends before */
  next: number;
  /** what readAdded stopped at: the run's end, the end of the buffered text, or RUN_SIZE */
  state: 'end' | 'fill' | 'full';
  /** new-file numbers of the unchanged lines in the run (a diff with context: see Fragment.quietLines) */
  quiet: number[];
}

/**
 * The hunks of a unified diff, read from the lines git printed: where the hunk being read stands on each side,
 * its deleted lines (told to the observer), and its added lines gathered into runs, consecutive lines (and
 * hunks a few lines apart, so pairing rules see each other) in one fragment. A hunk's added or deleted lines
 * are read as one block (TextReader.run): `git log -p` of a long history is millions of lines, and per-line
 * strings were most of the scan's time. DiffParser reads the rest: commits, file headers, hunk headers.
 */
export abstract class HunkReader {
  protected file: string | null = null;
  protected skipFile = false;
  private fileCounted = false;
  protected blob = '';
  protected commit: CommitInfo | null = null;
  // the hunk being read: lines still to come on each side, and the new-file number of the next added line
  private oldLeft = 0;
  private newLeft = 0;
  private newLine = 0;
  /** the kind of line a piece of a very long line continues ('+', '-', or anything else to skip) */
  protected continuing: string | null = null;
  /** the last unchanged line read whole (diffs with context only): a run that starts right below it takes it */
  private lastContext: { line: number; text: string } | null = null;

  constructor(
    protected readonly reader: TextReader,
    protected readonly options: DiffOptions,
  ) {}

  protected inHunk(): boolean {
    return this.oldLeft > 0 || this.newLeft > 0;
  }

  protected startHunk(hunk: Hunk | null): void {
    if (!hunk) return;
    this.oldLeft = hunk.oldCount;
    this.newLeft = hunk.newCount;
    this.newLine = hunk.newStart;
  }

  protected startFile(path: string | null, skip = false): void {
    this.file = path;
    this.lastContext = null;
    this.skipFile = skip;
    this.fileCounted = false;
    this.blob = '';
  }

  /** A deleted or context line of a hunk (or a "\ No newline" marker, which counts for neither side). */
  protected hunkLine(line: string): void {
    const kind = line.charCodeAt(0);
    if (kind === 45 /* - */) {
      if (this.watched()) this.options.observer!.deleted(this.file!, line);
      if (!this.reader.complete) this.continuing = '-';
      else this.oldLeft--;
    } else if (kind !== 92 /* \ */) {
      // an added line of a skipped file, or ' ' context: both advance the new side
      if (kind === 32 /* ' ' */ && this.reader.complete) this.lastContext = { line: this.newLine, text: line };
      if (kind !== ADDED) this.oldLeft--;
      this.newLeft--;
      this.newLine++;
      if (!this.reader.complete) this.continuing = kind === ADDED ? '+skip' : ' ';
    }
  }

  /** The hunk's deleted lines that are buffered whole, at once (the next line is one); the observer sees them as one text. */
  protected deletedRun(): void {
    const reader = this.reader;
    const count = reader.run(45 /* - */, this.oldLeft);
    if (count === 0) {
      // the last line of the stream, without its '\n'
      this.hunkLine(reader.line()!);
      return;
    }
    if (this.watched()) this.options.observer!.deleted(this.file!, reader.runText());
    this.oldLeft -= count;
  }

  protected watched(): boolean {
    return this.file !== null && !this.skipFile && this.options.observer !== undefined && this.options.observer.watches(this.file);
  }

  /** A later piece of a very long line: added text goes on, anything else is passed over. */
  protected endPiece(line: string): string {
    const kind = this.continuing;
    if (kind === '-' && this.watched()) this.options.observer!.deleted(this.file!, line);
    if (this.reader.complete) {
      this.continuing = null;
      if (kind === '-') this.oldLeft--;
    }
    return kind === '+' ? line : '';
  }

  /** Starts a run of added lines at the next line (an added one) and reads what is buffered of it. */
  protected startRun(): AddedRun {
    if (!this.fileCounted) {
      this.fileCounted = true;
      this.options.stats.files++;
    }
    const run: AddedRun = { parts: [], size: 0, first: this.newLine, next: this.newLine, state: 'end', quiet: [] };
    // The unchanged line above, when git printed it: a value's name often stands there (keywordLinesAbove).
    const above = this.lastContext;
    if (above && above.line === this.newLine - 1) {
      run.first = above.line;
      run.parts.push(above.text, '\n');
      run.quiet.push(above.line);
    }
    this.readAdded(run);
    return run;
  }

  private runBase(run: AddedRun): FragmentBase {
    return { file: this.file ?? '(unknown)', source: this.options.source, commit: this.commit, markedLines: true, quietLines: run.quiet.length ? new Set(run.quiet) : undefined };
  }

  /** A run read whole: one fragment, the usual case (a hunk or a few close ones). */
  protected runFragment(run: AddedRun): Fragment {
    const text = run.parts.length === 1 ? run.parts[0] : run.parts.join('');
    // Fields copied one by one: an object spread here made the whole parse twice as slow (measured).
    const { file, source, commit, markedLines, quietLines } = this.runBase(run);
    return { file, source, commit, markedLines, quietLines, text: text.slice(0, -1), line: run.first, column: 1, reportStart: 0, reportEnd: Number.POSITIVE_INFINITY };
  }

  /**
   * A run that holds more than RUN_SIZE: through chunkText, which cuts it into fragments of bounded size,
   * reading on as it goes.
   */
  protected async *longRunFragments(run: AddedRun): AsyncGenerator<Fragment> {
    const reader = this.reader;
    const self = this;
    async function* texts(): AsyncGenerator<string> {
      for (;;) {
        if (run.parts.length) yield run.parts.join('');
        run.parts = [];
        run.size = 0;
        if (run.state === 'end' || (run.state === 'fill' && !(await reader.fill()))) return;
        self.readAdded(run);
      }
    }
    for await (const fragment of chunkText(texts(), this.runBase(run), { contextLines: this.options.contextLines })) {
      fragment.line += run.first - 1; // chunkText numbers from 1
      yield fragment;
    }
  }

  /**
   * Reads added lines (and the deleted lines and hunk headers between them) into `run` while they are
   * buffered, on through later hunks of the same file that start within contextLines of the last added line
   * (the gap padded with empty lines so numbers stay right). Sets run.state: 'end' when the run is over,
   * 'fill' when the reader needs more text, 'full' when the run holds enough text to hand over.
   */
  protected readAdded(run: AddedRun): void {
    const reader = this.reader;
    const stats = this.options.stats;
    for (;;) {
      if (run.size >= RUN_SIZE) {
        run.state = 'full';
        return;
      }
      if (this.continuing === null && this.newLeft > 0) {
        const count = reader.run(ADDED, this.newLeft);
        if (count > 0) {
          stats.bytes += reader.runBytes(count);
          for (; run.next < this.newLine; run.next++) run.parts.push('\n');
          const text = reader.runText();
          run.parts.push(text);
          run.size += text.length;
          this.newLeft -= count;
          this.newLine += count;
          run.next = this.newLine;
          continue;
        }
      }
      const line = reader.line();
      if (line === undefined) {
        run.state = reader.done ? 'end' : 'fill';
        return;
      }
      if (this.continuing === '+') {
        stats.bytes += Buffer.byteLength(line);
        const text = this.endPiece(line);
        run.parts.push(text);
        run.size += text.length;
        if (!this.continuing) run.parts.push('\n');
        continue;
      }
      if (this.continuing !== null) {
        this.endPiece(line);
        continue;
      }
      const kind = line.charCodeAt(0);
      if (!this.inHunk()) {
        const hunk = kind === 64 /* @ */ ? parseHunk(line) : null;
        if (hunk && (hunk.newCount === 0 || (hunk.newStart >= run.next && hunk.newStart - run.next <= this.options.contextLines))) {
          this.startHunk(hunk);
          continue;
        }
        reader.unread();
        run.state = 'end';
        return;
      }
      if (kind === 45 /* - */ && reader.complete) {
        reader.unread();
        this.deletedRun();
        continue;
      }
      if (kind === 32 /* ' ' */ && reader.complete) {
        // an unchanged line between or after changes (diffs with context): kept, for the lines below it
        for (; run.next < this.newLine; run.next++) run.parts.push('\n');
        run.parts.push(line, '\n');
        run.size += line.length;
        run.quiet.push(this.newLine);
        this.hunkLine(line);
        run.next = this.newLine;
        continue;
      }
      if (kind !== ADDED) {
        this.hunkLine(line);
        continue;
      }
      // an added line the block read above could not take: the last of the stream, or the start of a long one
      stats.bytes += Buffer.byteLength(line);
      for (; run.next < this.newLine; run.next++) run.parts.push('\n');
      const text = line.slice(1); // without its mark: chunkText counts a long line's columns from its first character
      run.parts.push(text);
      run.size += text.length;
      if (reader.complete) run.parts.push('\n');
      else this.continuing = '+';
      this.newLeft--;
      this.newLine++;
      run.next = this.newLine;
    }
  }
}
