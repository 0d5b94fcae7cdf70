import type { EncodedToken } from './decode.js';
import { firstWhere, type LineIndex } from './lines.js';

interface Span {
  /** where the token's decoded text stands in the view */
  from: number;
  to: number;
  token: EncodedToken;
}

/**
 * A line as the rules read it with every encoded token on it decoded in place (a decoded credentials file
 * brings its own line breaks). The rules read each such view once, however many tokens the line holds: one
 * rereading of the line per token made a line of many tokens quadratic.
 */
export class DecodedLine {
  readonly text: string;
  private readonly spans: Span[] = [];

  /** `tokens`: sorted, disjoint, all within text[lineStart, lineEnd). */
  constructor(source: string, lineStart: number, lineEnd: number, tokens: readonly EncodedToken[]) {
    const parts: string[] = [];
    let length = 0;
    let at = lineStart;
    for (const token of tokens) {
      const plain = source.slice(at, token.start);
      parts.push(plain, token.decoded);
      length += plain.length;
      this.spans.push({ from: length, to: length + token.decoded.length, token });
      length += token.decoded.length;
      at = token.end;
    }
    parts.push(source.slice(at, lineEnd));
    this.text = parts.join('');
  }

  /**
   * The token a match at view[start, end) was decoded from: the first whose decoded text it overlaps and that
   * it reads something decoded from (a URL token's unescaped characters were there in clear for the plain
   * pass). Null when the match is all plain text.
   */
  tokenOf(start: number, end: number): EncodedToken | null {
    const { spans } = this;
    for (let i = firstWhere(spans.length, (k) => spans[k].to > start); i < spans.length && spans[i].from < end; i++) {
      const { from, token } = spans[i];
      if (!token.escaped || hasBetween(token.escaped, start - from, end - from)) return token;
    }
    return null;
  }
}

/** Whether the sorted `values` hold one in [from, to). */
function hasBetween(values: readonly number[], from: number, to: number): boolean {
  const i = firstWhere(values.length, (k) => values[k] >= from);
  return i < values.length && values[i] < to;
}

/** The views of the lines that hold tokens, with each line's index. `tokens`: sorted, disjoint, none across a line break. */
export function* decodedLines(source: string, lines: LineIndex, tokens: readonly EncodedToken[]): Generator<{ line: number; view: DecodedLine }> {
  for (let i = 0; i < tokens.length; ) {
    const line = lines.lineOf(tokens[i].start);
    const end = lines.end(line);
    let j = i;
    while (j < tokens.length && tokens[j].start < end) j++;
    yield { line, view: new DecodedLine(source, lines.start(line), end, tokens.slice(i, j)) };
    i = j;
  }
}
