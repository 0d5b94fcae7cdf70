import { ObjectReader } from '../git/blobs.js';
import { TextReader } from '../git/reader.js';
import { type Fragment, MESSAGE_FILE } from '../types.js';
import { chunkText } from './chunker.js';
import { type LogHeader, LogHeaderLines, parseHunk, pathOfDiffLine, readPath, SKIPPED_MODES, storedHeader, stripPrefix } from './diff-headers.js';
import type { DiffOptions } from './diff-options.js';
import { ADDED, HunkReader, RUN_SIZE } from './hunk-reader.js';
import { nameFragment } from './names.js';

const NULL_BLOB = /^0+$/;

/**
 * Reads a unified diff (`git diff -U0`, or `git log -p -U0` with LOG_FORMAT) as a byte stream and yields the
 * added lines as fragments (see HunkReader), commit messages as fragments of their own.
 */
class DiffParser extends HunkReader {
  /** the commit being read has two or more parents */
  private merge = false;
  /** fragments read but not yet handed on (see batches) */
  private batch: Fragment[] = [];
  /** reads the commits git re-encoded (see storedHeader), started at the first */
  private objects: ObjectReader | null = null;

  constructor(stream: AsyncIterable<Buffer>, options: DiffOptions) {
    super(new TextReader(stream), options);
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
