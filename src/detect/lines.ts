import type { Finding } from '../types.js';

/** The first index in [0, length) at which `reached` holds, or `length`: `reached` is false, then true (a binary search). */
export function firstWhere(length: number, reached: (index: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (reached(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Maps offsets in a text to line indexes and line bounds; built on first use, as most texts match nothing.
 * In a marked text (Fragment.markedLines) a carriage return that begins a line is git's mark, not part of it.
 */
export class LineIndex {
  private newlines: number[] | null = null;

  constructor(
    private readonly text: string,
    private readonly marked = false,
  ) {}

  private offsets(): number[] {
    if (!this.newlines) {
      const found: number[] = [];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) found.push(i);
      this.newlines = found;
    }
    return this.newlines;
  }

  get textLength(): number {
    return this.text.length;
  }

  /** How many lines the text has (a final line without '\n' counts). */
  get count(): number {
    return this.offsets().length + 1;
  }

  /** 0-based index of the line holding `offset`. */
  lineOf(offset: number): number {
    const nl = this.offsets();
    return firstWhere(nl.length, (i) => nl[i] >= offset);
  }

  /** Offset where line `index` starts (after its mark, in a marked text). */
  start(index: number): number {
    const start = index === 0 ? 0 : this.offsets()[index - 1] + 1;
    return this.marked && this.text.charCodeAt(start) === 13 ? start + 1 : start;
  }

  /** Offset where line `index` ends (its '\n', or the end of the text); a trailing '\r' is left out. */
  end(index: number): number {
    const nl = this.offsets();
    const end = index < nl.length ? nl[index] : this.text.length;
    return end > this.start(index) && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  }

  line(index: number): string {
    return this.text.slice(this.start(index), this.end(index));
  }
}

/**
 * Marks each finding that shares its line with another secret (`sharesLine`): an inline allow comment on that
 * line cannot say which of them it means, so it allows none (src/filters/inline.ts).
 */
export function markSharedLines(findings: readonly Finding[]): void {
  if (findings.length < 2) return;
  const secretsOf = new Map<number, Set<string>>();
  for (const finding of findings) {
    const secrets = secretsOf.get(finding.line);
    if (secrets) secrets.add(finding.secret);
    else secretsOf.set(finding.line, new Set([finding.secret]));
  }
  for (const finding of findings) if (secretsOf.get(finding.line)!.size > 1) finding.sharesLine = true;
}
