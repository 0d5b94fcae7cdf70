// Secrets hidden one encoding deep: a Kubernetes Secret's base64 `data:` values, `%2F` and `%2B` in URLs.
// Each decoder finds encoded tokens in a text and returns their decoded form when it is printable text.

export interface EncodedToken {
  start: number;
  end: number;
  decoded: string;
  encoding: 'base64' | 'url';
}

// 24 characters decode to 18 bytes, less than any AWS key; 2048 bounds the work on long blobs.
const BASE64_TOKEN = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{24,2048}={0,2}(?![A-Za-z0-9+/=_-])/g;
const URL_TOKEN = /[A-Za-z0-9+/=._~-]*%(?:2[BbFf]|3[Dd])[A-Za-z0-9%+/=._~-]*/g;
const PRINTABLE = /^[\x20-\x7e\t\r\n]+$/;

function* base64Tokens(text: string): Generator<EncodedToken> {
  for (const match of text.matchAll(BASE64_TOKEN)) {
    const token = match[0];
    if (token.length % 4 !== 0) continue;
    const decoded = Buffer.from(token, 'base64').toString('latin1');
    if (PRINTABLE.test(decoded)) yield { start: match.index, end: match.index + token.length, decoded, encoding: 'base64' };
  }
}

function* urlTokens(text: string): Generator<EncodedToken> {
  if (!text.includes('%')) return;
  for (const match of text.matchAll(URL_TOKEN)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(match[0]);
    } catch {
      continue;
    }
    yield { start: match.index, end: match.index + match[0].length, decoded, encoding: 'url' };
  }
}

/** Every encoded token of a line that decodes to printable text. */
export function* encodedTokens(line: string): Generator<EncodedToken> {
  yield* base64Tokens(line);
  yield* urlTokens(line);
}
