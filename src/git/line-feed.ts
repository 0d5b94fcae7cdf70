/** Lines a batch: one write to git's stdin per batch, not per line. */
const BATCH = 256;

/**
 * Lines pushed as they become known, read as an async iterable of batches: the stdin of a git command that runs
 * beside the one whose output names them (`cat-file --batch` fed the commits a `git log` stream reads).
 */
export class LineFeed implements AsyncIterable<string> {
  private lines: string[] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= BATCH) this.signal();
  }

  /** No more lines: the reader gets what is left, then its end. Safe to call more than once. */
  end(): void {
    this.ended = true;
    this.signal();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    for (;;) {
      if (this.lines.length >= BATCH || (this.ended && this.lines.length)) {
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
