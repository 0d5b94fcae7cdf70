import { ObjectReader } from '../git/blobs.js';
import { TextReader } from '../git/reader.js';
import { type CommitInfo, type Fragment, MESSAGE_FILE } from '../types.js';
import { chunkText, type FragmentBase } from './chunker.js';
import { type Hunk, type LogHeader, LogHeaderLines, parseHunk, pathOfDiffLine, readPath, SKIPPED_MODES, storedHeader, stripPrefix } from './diff-headers.js';
import type { DiffOptions } from './diff-options.js';
import { nameFragment } from './names.js';

/**
 * What begins an added line (DIFF_ARGS): a carriage return, which every regex reads as the line break it
 * follows, so a hunk's added lines are handed to the detector as git printed them, without a copy that strips
 * a '+' from each (a third of a history scan's parsing). Fragments say so (Fragment.markedLines).
 */
const ADDED = 13;

const NULL_BLOB = /^0+$/;

/** Added text gathered before it is handed to the chunker (as chunker.ts gathers a fragment). */
const RUN_SIZE = 256 * 1024;

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
 * Reads a unified diff (`git diff -U0`, or `git log -p -U0` with LOG_FORMAT) as a byte stream and yields the
 * added lines as fragments: line numbers of the new file, consecutive lines (and hunks a few lines apart, so
 * pairing rules see each other) in one fragment, commit messages as fragments of their own.
 * A hunk's added or deleted lines are read as one block (TextReader.run): `git log -p` of a long history is
 * millions of lines, and per-line strings were most of the scan's time.
 */
class DiffParser {
  private readonly reader: TextReader;
  private file: string | null = null;
  private skipFile = false;
  private fileCounted = false;
  private blob = '';
  private commit: CommitInfo | null = null;
  /** the commit being read has two or more parents */
  private merge = false;
  // the hunk being read: lines still to come on each side, and the new-file number of the next added line
  private oldLeft = 0;
  private newLeft = 0;
  private newLine = 0;
  /** the kind of line a piece of a very long line continues ('+', '-', or anything else to skip) */
  private continuing: string | null = null;
  /** the last unchanged line read whole (diffs with context only): a run that starts right below it takes it */
  private lastContext: { line: number; text: string } | null = null;
  /** fragments read but not yet handed on (see batches) */
  private batch: Fragment[] = [];
  /** reads the commits git re-encoded (see storedHeader), started at the first */
  private objects: ObjectReader | null = null;

  constructor(
    stream: AsyncIterable<Buffer>,
    private readonly options: DiffOptions,
  ) {
    this.reader = new TextReader(stream);
  }

  /**
   * The fragments, handed on in batches: what one chunk of git's output held (an await in every layer a
   * batch passes, where one per fragment cost a history scan ~10% of its main thread), cut at each commit so
   * that the observer hears of a commit once the fragments before it are in. A long run or message, read in
   * several chunks, comes a fragment at a time.
   */
  async *batches(): AsyncGenerator<Fragment[]> {
    const reader = this.reader;
    try {
      for (;;) {
        const line = reader.line();
        if (line === undefined) {
          if (this.batch.length) yield this.takeBatch();
          if (!(await reader.fill())) break;
          continue;
        }
        if (this.continuing !== null) {
          this.endPiece(line);
          continue;
        }
        if (this.inHunk()) {
          const kind = line.charCodeAt(0);
          if (kind === ADDED && !this.skipFile) {
            reader.unread();
            const run = this.startRun();
            // A run cut by the end of a chunk (pipes give ~20 KB) reads on: one fragment unless it outgrows RUN_SIZE.
            while (run.state === 'fill') {
              if (await reader.fill()) this.readAdded(run);
              else run.state = 'end';
            }
            if (run.state === 'end') this.batch.push(this.runFragment(run));
            else yield* this.oneByOne(this.longRunFragments(run));
          } else if (kind === 45 /* - */ && reader.complete) {
            reader.unread();
            this.deletedRun();
          } else this.hunkLine(line);
          continue;
        }
        if (this.options.log && line.length !== 0 && line.charCodeAt(0) === 0) {
          if (this.batch.length) yield this.takeBatch();
          const header = new LogHeaderLines(line);
          while (!header.readFrom(reader)) if (!(await reader.fill())) break;
          let parsed = header.parse();
          if (parsed.encoding !== null && this.options.cwd) parsed = await storedHeader(parsed, (this.objects ??= new ObjectReader(this.options.cwd)));
          const text = this.startCommit(parsed);
          // Most messages are short: one fragment made here, as chunkText would make it, without its async loop.
          const { source } = this.options;
          const commit = this.commit;
          if (text.length >= RUN_SIZE) yield* this.oneByOne(chunkText([text], { file: MESSAGE_FILE, source, commit, message: true }, { contextLines: this.options.contextLines }));
          else if (text) this.batch.push({ file: MESSAGE_FILE, source, commit, message: true, text, line: 1, column: 1, reportStart: 0, reportEnd: Number.POSITIVE_INFINITY });
          if (this.options.inserts && this.merge) this.batch.push(...(await this.options.inserts(this.commit!.sha)));
        } else if (this.headerLine(line)) {
          const name = nameFragment({ file: this.file!, source: this.options.source, commit: this.commit });
          if (name) this.batch.push(name);
        }
      }
      if (this.batch.length) yield this.takeBatch();
    } finally {
      await reader.close();
      await this.objects?.close();
    }
  }

  private takeBatch(): Fragment[] {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }

  /** Fragments that come as they are read (each may hold up to RUN_SIZE), after the batch so far. */
  private async *oneByOne(fragments: AsyncIterable<Fragment>): AsyncGenerator<Fragment[]> {
    if (this.batch.length) yield this.takeBatch();
    for await (const fragment of fragments) yield [fragment];
  }

  private inHunk(): boolean {
    return this.oldLeft > 0 || this.newLeft > 0;
  }

  /** One line outside a hunk: a file header, a hunk header, or something to pass over; true when it names a file new under its path. */
  private headerLine(text: string): boolean {
    if (!this.reader.complete) this.continuing = '';
    // By first character: hunk headers are most of these lines, and `---` lines match nothing. (An empty line,
    // as after each commit's message, is checked first: reading past a string's end deoptimizes the parser.)
    if (text.length === 0) return false;
    switch (text.charCodeAt(0)) {
      case 64 /* @ */:
        this.startHunk(parseHunk(text));
        break;
      case 100 /* d */:
        if (text.startsWith('diff --git ')) this.startFile(pathOfDiffLine(text.slice(11)));
        else if (text.startsWith('diff --cc ') || text.startsWith('diff --combined ')) this.startFile(null, true);
        else if (text.startsWith('deleted file mode ') && this.watched()) this.options.observer!.removed(this.file!);
        break;
      case 105 /* i */:
        if (text.startsWith('index ')) this.indexLine(text);
        break;
      case 43 /* + */:
        if (text.startsWith('+++ ') && text !== '+++ /dev/null') this.file = stripPrefix(readPath(text, 4).path);
        break;
      case 114 /* r */:
      case 99 /* c */:
        if (text.startsWith('rename to ') || text.startsWith('copy to ')) {
          this.file = readPath(text, text.indexOf(' to ') + 4).path;
          return true;
        }
        break;
      case 110 /* n */:
        if ((text.startsWith('new file mode ') || text.startsWith('new mode ')) && SKIPPED_MODES.has(text.slice(text.lastIndexOf(' ') + 1))) this.skipFile = true;
        return text.startsWith('new file mode ') && this.file !== null;
      case 66 /* B */:
        if (text.startsWith('Binary files ')) this.binaryFile();
        break;
      case 42 /* * */:
        if (text.startsWith('* Unmerged path ')) this.options.onUnmerged?.(text.slice(16));
        break;
    }
    return false;
  }

  private startHunk(hunk: Hunk | null): void {
    if (!hunk) return;
    this.oldLeft = hunk.oldCount;
    this.newLeft = hunk.newCount;
    this.newLine = hunk.newStart;
  }

  /** `index OLD..NEW [MODE]`: the new blob id (for binary files), and whether the mode is one to skip. */
  private indexLine(text: string): void {
    const ids = text.indexOf('..', 6) + 2;
    const space = text.indexOf(' ', ids);
    this.blob = text.slice(ids, space === -1 ? text.length : space);
    if (space !== -1 && SKIPPED_MODES.has(text.slice(space + 1))) this.skipFile = true;
  }

  private binaryFile(): void {
    if (this.file === null || NULL_BLOB.test(this.blob) || this.skipFile) return;
    if (this.options.onBinary) this.options.onBinary(this.file, this.blob, this.commit);
    else this.options.stats.binarySkipped++;
  }

  private startFile(path: string | null, skip = false): void {
    this.file = path;
    this.lastContext = null;
    this.skipFile = skip;
    this.fileCounted = false;
    this.blob = '';
  }

  /** A deleted or context line of a hunk (or a "\ No newline" marker, which counts for neither side). */
  private hunkLine(line: string): void {
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
  private deletedRun(): void {
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

  private watched(): boolean {
    return this.file !== null && !this.skipFile && this.options.observer !== undefined && this.options.observer.watches(this.file);
  }

  /** A later piece of a very long line: added text goes on, anything else is passed over. */
  private endPiece(line: string): string {
    const kind = this.continuing;
    if (kind === '-' && this.watched()) this.options.observer!.deleted(this.file!, line);
    if (this.reader.complete) {
      this.continuing = null;
      if (kind === '-') this.oldLeft--;
    }
    return kind === '+' ? line : '';
  }

  /** Starts a run of added lines at the next line (an added one) and reads what is buffered of it. */
  private startRun(): AddedRun {
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
  private runFragment(run: AddedRun): Fragment {
    const text = run.parts.length === 1 ? run.parts[0] : run.parts.join('');
    // Fields copied one by one: an object spread here made the whole parse twice as slow (measured).
    const { file, source, commit, markedLines, quietLines } = this.runBase(run);
    return { file, source, commit, markedLines, quietLines, text: text.slice(0, -1), line: run.first, column: 1, reportStart: 0, reportEnd: Number.POSITIVE_INFINITY };
  }

  /**
   * A run that holds more than RUN_SIZE: through chunkText, which cuts it into fragments of bounded size,
   * reading on as it goes.
   */
  private async *longRunFragments(run: AddedRun): AsyncGenerator<Fragment> {
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
  private readAdded(run: AddedRun): void {
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

  /** A commit's header read: the commit is the one lines belong to from here on; returns its message. */
  private startCommit({ commit, merge, message }: LogHeader): string {
    this.commit = commit;
    this.merge = merge;
    this.startFile(null);
    this.options.stats.commits++;
    this.options.observer?.commit(commit);
    return message;
  }
}

/** The added lines of a diff stream, as fragments in batches (see DiffParser). */
export function diffFragmentBatches(stream: AsyncIterable<Buffer>, options: DiffOptions): AsyncGenerator<Fragment[]> {
  return new DiffParser(stream, options).batches();
}
