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
export function wholeCharactersEnd(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i--) {
    const byte = bytes[i];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + size > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

const NO_BYTES = Buffer.alloc(0);

/**
 * Reads a stream of UTF-8 text by lines, like StreamReader, for parsers that read millions of short lines
 * (`git log -p`): each chunk is decoded once up to its last newline (a newline never sits inside a
 * character, so no character is cut; invalid bytes become U+FFFD as a line's own decoding would make them),
 * and lines are slices of that string instead of a Buffer and a decoding each. The partial line after the
 * last newline waits, as bytes, for the next chunk.
 */
export class TextReader {
  private readonly source: AsyncIterator<Buffer>;
  /** bytes after the last newline decoded: the start of a line whose end has not come yet */
  private held: Buffer = NO_BYTES;
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private text = '';
  private pos = 0;
  private ended = false;
  /** the text is ASCII: its UTF-8 size is its length */
  private ascii = true;
  /** where the line last returned began, and whether it was complete: unread() goes back to it */
  private lineStart = 0;
  private lineComplete = true;
  /** the span of the last run(), prefixes and newlines included */
  private runStart = 0;
  private runEnd = 0;
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
   * The next line without its '\n', or undefined when the decoded text holds no more lines (call fill()).
   * At the end of the stream the last line may lack its '\n'. A line longer than LONG_LINE bytes comes in
   * pieces, each but the last with `complete` false, so memory stays bounded on a 100 MB one-line file.
   */
  line(): string | undefined {
    this.lineStart = this.pos;
    this.lineComplete = this.complete;
    const end = this.text.indexOf('\n', this.pos);
    if (end === -1) {
      // Text after the last newline is decoded only at the end of the stream or as a piece of a long line.
      if (this.pos >= this.text.length) return undefined;
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
   * Passes over the next whole lines that begin with `prefix` (at most `max`, none while a long line is
   * being read in pieces) and returns how many: a hunk's block of added or deleted lines is found with one
   * indexOf per line and no string made. runText() gives their text.
   */
  run(prefix: number, max: number): number {
    this.runStart = this.runEnd = this.pos;
    if (!this.complete) return 0;
    const text = this.text;
    let pos = this.pos;
    let count = 0;
    while (count < max && pos < text.length && text.charCodeAt(pos) === prefix) {
      const end = text.indexOf('\n', pos);
      if (end === -1) break;
      pos = end + 1;
      count++;
    }
    this.pos = this.runEnd = pos;
    return count;
  }

  /** The lines of the last run(), each with its prefix and ending in '\n': a slice, no copy. */
  runText(): string {
    return this.text.slice(this.runStart, this.runEnd);
  }

  /** The UTF-8 size of the last run() (prefixes included, newlines not: what StreamReader's lines measure). */
  runBytes(count: number): number {
    const chars = this.runEnd - this.runStart;
    return (this.ascii ? chars : Buffer.byteLength(this.text.slice(this.runStart, this.runEnd))) - count;
  }

  /**
   * Reads the next chunk and decodes it with the partial line before it, up to its last newline; false at
   * the end of the stream. Call it only once line() returned undefined: the text not yet read is dropped.
   */
  async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    this.pos = 0;
    if (next.done) {
      this.ended = true;
      this.decode(this.held, this.held.length);
      this.held = NO_BYTES;
      return this.text.length > 0;
    }
    const bytes = this.held.length ? this.join(this.held, next.value) : next.value;
    const newline = bytes.lastIndexOf(10);
    // No newline yet: wait for it, unless the line outgrew LONG_LINE (then its whole characters are a piece).
    const end = newline !== -1 ? newline + 1 : bytes.length >= LONG_LINE ? wholeCharactersEnd(bytes) : 0;
    this.decode(bytes, end);
    this.held = bytes.subarray(end);
    return true;
  }

  /**
   * `held` and then `chunk` in one buffer: the scratch buffer, reused from chunk to chunk (a new Buffer for
   * each was an allocation per chunk), grown only for a line longer than it. `held` may lie in it already.
   */
  private join(held: Buffer, chunk: Buffer): Buffer {
    const size = held.length + chunk.length;
    if (size > this.scratch.length) {
      const grown = Buffer.allocUnsafe(Math.max(size, 2 * this.scratch.length));
      held.copy(grown);
      this.scratch = grown;
    } else held.copy(this.scratch); // Buffer#copy allows the regions to overlap
    chunk.copy(this.scratch, held.length);
    return this.scratch.subarray(0, size);
  }

  private decode(bytes: Buffer, end: number): void {
    this.text = end ? bytes.toString('utf8', 0, end) : '';
    // As many characters as bytes: ASCII, unless invalid bytes became U+FFFD (which a one-byte string cannot hold).
    this.ascii = this.text.length === end && !this.text.includes('\uFFFD');
  }

  /** Stops the underlying stream early (kills the git process behind it). */
  async close(): Promise<void> {
    await this.source.return?.();
  }
}
