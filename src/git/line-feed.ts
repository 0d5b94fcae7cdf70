/** Lines a batch by default: one write to git's stdin per batch, not per line. */
const BATCH = 256;

/**
 * Lines pushed as they become known, read as an async iterable of batches: the stdin of a git command that runs
 * beside the one whose output names them (`cat-file --batch` fed the commits a `git log` stream reads).
 */
export class LineFeed implements AsyncIterable<string> {
  private lines: string[] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  /** `batch`: how many lines wait for one write; 1 when each line is awaited on the other side (a merge's id). */
  constructor(private readonly batch = BATCH) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= this.batch) this.signal();
  }

  /** Resolves once a line is pushed (true) or the feed ends without any (false): a git for no input need not start. */
  async hasLines(): Promise<boolean> {
    while (!this.lines.length && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.lines.length > 0;
  }

  /** No more lines: the reader gets what is left, then its end. Safe to call more than once. */
  end(): void {
    this.ended = true;
    this.signal();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for (;;) {
      if (this.lines.length >= this.batch || (this.ended && this.lines.length)) {
        const batch = this.lines;
        this.lines = [];
        yield `${batch.join('\n')}\n`;
      } else if (this.ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
