const LONG_LINE = 1024 * 1024;

/**
 * Reads a byte stream by lines or by byte counts, synchronously within the chunk at hand: parsers call
 * `line()` or `take()` until they return undefined, then `await fill()`. One await per chunk instead of one
 * per line keeps a `git log -p` of millions of lines cheap to walk.
 */
export class StreamReader {
  private readonly source: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private ended = false;
  private pushedBack: Buffer | undefined;
  private pushedBackComplete = true;
  /** false when the last line() returned the start of a line too long to hold: the next line() continues it */
  complete = true;

  constructor(stream: AsyncIterable<Buffer>) {
    this.source = stream[Symbol.asyncIterator]();
  }

  /** True once the stream ended and every byte was read. */
  get done(): boolean {
    return this.ended && this.pos >= this.buf.length && !this.pushedBack;
  }

  /**
   * The next line without its '\n', or undefined when the buffered bytes hold no whole line (call fill()).
   * At the end of the stream the last line may lack its '\n'. A line longer than LONG_LINE comes in pieces,
   * each but the last with `complete` false, so memory stays bounded on a 100 MB one-line file.
   */
  line(): Buffer | undefined {
    if (this.pushedBack) {
      const line = this.pushedBack;
      this.pushedBack = undefined;
      this.complete = this.pushedBackComplete;
      return line;
    }
    const end = this.buf.indexOf(10, this.pos);
    if (end === -1) {
      const buffered = this.buf.length - this.pos;
      if (buffered === 0 || (!this.ended && buffered < LONG_LINE)) return undefined;
      const rest = this.buf.subarray(this.pos);
      this.pos = this.buf.length;
      this.complete = this.ended;
      return rest;
    }
    const line = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    this.complete = true;
    return line;
  }

  /** Gives back the line just read: the next line() returns it again. */
  unread(line: Buffer): void {
    this.pushedBack = line;
    this.pushedBackComplete = this.complete;
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
