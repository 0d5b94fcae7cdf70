const LONG_LINE = 1024 * 1024;

/**
 * Reads a byte stream by lines or by byte counts (`git cat-file --batch`: a header line, then so many bytes of
 * blob), synchronously within the chunk at hand: parsers call `line()` or `take()` until they return
 * undefined, then `await fill()`, one await per chunk.
 */
export class StreamReader {
  private readonly source: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private ended = false;

  constructor(stream: AsyncIterable<Buffer>) {
    this.source = stream[Symbol.asyncIterator]();
  }

  /**
   * The next line without its '\n', or undefined when the buffered bytes hold no whole line (call fill()).
   * At the end of the stream the last line may lack its '\n'. A line longer than LONG_LINE comes in pieces,
   * so that memory stays bounded whatever the stream holds.
   */
  line(): Buffer | undefined {
    const end = this.buf.indexOf(10, this.pos);
    if (end === -1) {
      const buffered = this.buf.length - this.pos;
      if (buffered === 0 || (!this.ended && buffered < LONG_LINE)) return undefined;
      const rest = this.buf.subarray(this.pos);
      this.pos = this.buf.length;
      return rest;
    }
    const line = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return line;
  }

  /** Up to `n` buffered bytes (at least one), or undefined when none are buffered (call fill()). */
  take(n: number): Buffer | undefined {
    if (this.pos >= this.buf.length || n <= 0) return undefined;
    const end = Math.min(this.buf.length, this.pos + n);
    const bytes = this.buf.subarray(this.pos, end);
    this.pos = end;
    return bytes;
  }

  /** Reads the next chunk; false at the end of the stream. */
  async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return this.pos < this.buf.length;
    }
    // Keep only the unread tail: a partial line waits for the rest of it.
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), next.value]) : next.value;
    this.pos = 0;
    return true;
  }

  /** Stops the underlying stream early (kills the git process behind it). */
  async close(): Promise<void> {
    await this.source.return?.();
  }
}

/**
 * Where the last whole UTF-8 character of `bytes` ends: a sequence cut short by the end of the chunk is
 * decoded with the next one (cutting before its lead byte changes nothing, as decoders resume at a lead byte).
 */
function wholeCharactersEnd(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i--) {
    const byte = bytes[i];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + size > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/**
 * Reads a stream of UTF-8 text by lines, like StreamReader, for parsers that read millions of short lines
 * (`git log -p`): each chunk is decoded once (a character split between chunks waits for its end; invalid
 * bytes become U+FFFD as a line's own decoding would make them, since a newline never sits inside a
 * character), and lines are slices of that string instead of a Buffer and a decoding each.
 */
export class TextReader {
  private readonly source: AsyncIterator<Buffer>;
  /** the bytes of a character that the last chunk ended in the middle of */
  private held: Buffer = Buffer.alloc(0);
  private text = '';
  private pos = 0;
  private ended = false;
  /** where the line last returned began, and whether it was complete: unread() goes back to it */
  private lineStart = 0;
  private lineComplete = true;
  /** the span of the last run(), prefixes and newlines included */
  private runStart = 0;
  private runEnd = 0;
  private runPrefix = '';
  /** false when the last line() returned the start of a line too long to hold: the next line() continues it */
  complete = true;

  constructor(stream: AsyncIterable<Buffer>) {
    this.source = stream[Symbol.asyncIterator]();
  }

  /** True once the stream ended and every character was read. */
  get done(): boolean {
    return this.ended && this.pos >= this.text.length;
  }

  /**
   * The next line without its '\n', or undefined when the buffered text holds no whole line (call fill()).
   * At the end of the stream the last line may lack its '\n'. A line longer than LONG_LINE characters comes in
   * pieces, each but the last with `complete` false, so memory stays bounded on a 100 MB one-line file.
   */
  line(): string | undefined {
    this.lineStart = this.pos;
    this.lineComplete = this.complete;
    const end = this.text.indexOf('\n', this.pos);
    if (end === -1) {
      const buffered = this.text.length - this.pos;
      if (buffered === 0 || (!this.ended && buffered < LONG_LINE)) return undefined;
      const rest = this.text.slice(this.pos);
      this.pos = this.text.length;
      this.complete = this.ended;
      return rest;
    }
    const line = this.text.slice(this.pos, end);
    this.pos = end + 1;
    this.complete = true;
    return line;
  }

  /** Gives back the line just read (before any fill()): the next line() returns it again. */
  unread(): void {
    this.pos = this.lineStart;
    this.complete = this.lineComplete;
  }

  /**
   * Passes over the next whole lines that begin with `prefix` (at most `max`, only those already buffered,
   * none while a long line is being read in pieces) and returns how many: a hunk's block of added or
   * deleted lines is found with one indexOf per line and no string made. runText() gives their text.
   */
  run(prefix: number, max: number): number {
    this.runStart = this.runEnd = this.pos;
    this.runPrefix = String.fromCharCode(prefix);
    if (!this.complete) return 0;
    const text = this.text;
    let pos = this.pos;
    let count = 0;
    while (count < max && text.charCodeAt(pos) === prefix) {
      const end = text.indexOf('\n', pos);
      if (end === -1) break;
      pos = end + 1;
      count++;
    }
    this.pos = this.runEnd = pos;
    return count;
  }

  /** The lines of the last run() without their prefixes, each ending in '\n'. */
  runText(): string {
    if (this.runEnd === this.runStart) return '';
    return this.text.slice(this.runStart + 1, this.runEnd).replaceAll(`\n${this.runPrefix}`, '\n');
  }

  /** The UTF-8 size of the last run() (prefixes included, newlines not: what StreamReader's lines measure). */
  runBytes(count: number): number {
    return Buffer.byteLength(this.text.slice(this.runStart, this.runEnd)) - count;
  }

  /**
   * Reads and decodes the next chunk; false at the end of the stream. The unread tail (a partial line) is
   * encoded back and decoded with the chunk rather than joined to its text: a joined string is a rope, and
   * indexOf and charCodeAt on a rope made the scan 5x slower. Encoding back is lossless (what was decoded is
   * whole characters, U+FFFD included).
   */
  async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    const rest = this.pos < this.text.length ? Buffer.from(this.text.slice(this.pos)) : undefined;
    this.pos = 0;
    if (next.done) {
      this.ended = true;
      const bytes = rest ? Buffer.concat([rest, this.held]) : this.held;
      this.text = bytes.toString('utf8');
      return this.text.length > 0;
    }
    const bytes = Buffer.concat(rest ? [rest, this.held, next.value] : [this.held, next.value]);
    const end = wholeCharactersEnd(bytes);
    this.text = bytes.toString('utf8', 0, end);
    this.held = bytes.subarray(end);
    return true;
  }

  /** Stops the underlying stream early (kills the git process behind it). */
  async close(): Promise<void> {
    await this.source.return?.();
  }
}
