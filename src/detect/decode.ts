// Secrets hidden one encoding deep: a Kubernetes Secret's base64 `data:` values, `%2F` and `%2B` in URLs.
// Each decoder finds encoded tokens in a text and returns their decoded form when it is printable text.

import { keywordAnyCase } from '../types.js';

export interface EncodedToken {
  start: number;
  end: number;
  decoded: string;
  encoding: 'base64' | 'url';
}

// 24 characters decode to 18 bytes, less than any AWS key; 2048 bounds the work on long blobs.
const MIN_BASE64 = 24;
const MAX_BASE64 = 2048;
const BASE64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_CHAR[c.charCodeAt(0)] = 1;
const isBase64 = (code: number) => code < 128 && BASE64_CHAR[code] === 1;
// A token glued to these is part of something else (an identifier, a JWT, a longer base64 value).
const isGlue = (code: number) => code === 0x3d || code === 0x5f || code === 0x2d; // = _ -

// An escaped '/', '+' or '='; the token around it is grown by hand, since a regex like
// /[…]*%2F[…]*/ backtracks quadratically over every run of word characters that holds no escape.
const URL_ESCAPE = /%(?:2[BbFf]|3[Dd])/g;
const URL_CHAR = /[A-Za-z0-9%+/=._~-]/;
const PRINTABLE = /^[\x20-\x7e\t\r\n]+$/;

/**
 * Runs of base64 characters (plus padding) standing alone in text[from, to) that decode to printable text;
 * a loop, as a regex here costs twice as much. Added to `tokens`.
 */
export function base64Tokens(text: string, from: number, to: number, tokens: EncodedToken[]): void {
  for (let i = from; i < to; i++) {
    if (!isBase64(text.charCodeAt(i))) continue;
    const start = i;
    while (i + 1 < to && isBase64(text.charCodeAt(i + 1))) i++;
    // Most runs are words, too short to weigh: two '=' of padding are the most a run can grow by.
    if (i + 1 - start >= MIN_BASE64 - 2) addBase64Token(text, start, i + 1, tokens);
  }
}

/** The run text[start, runEnd) and its padding, added to `tokens` when it stands alone and decodes to printable text. */
function addBase64Token(text: string, start: number, runEnd: number, tokens: EncodedToken[]): void {
  let end = runEnd;
  while (end < text.length && end - runEnd < 2 && text.charCodeAt(end) === 0x3d) end++;
  const length = end - start;
  if (length < MIN_BASE64 || length > MAX_BASE64 || length % 4 !== 0) return;
  if ((start > 0 && isGlue(text.charCodeAt(start - 1))) || (end < text.length && (isGlue(text.charCodeAt(end)) || isBase64(text.charCodeAt(end))))) return;
  const decoded = Buffer.from(text.slice(start, end), 'base64').toString('latin1');
  if (PRINTABLE.test(decoded)) tokens.push({ start, end, decoded, encoding: 'base64' });
}

/** URL-encoded runs of text holding an escaped '/', '+' or '=', added to `tokens`. */
export function urlTokens(text: string, tokens: EncodedToken[]): void {
  if (!text.includes('%')) return;
  let after = 0; // end of the last token: escapes inside it were decoded with it
  for (const match of text.matchAll(URL_ESCAPE)) {
    if (match.index < after) continue;
    let start = match.index;
    while (start > 0 && URL_CHAR.test(text[start - 1])) start--;
    let end = match.index + match[0].length;
    while (end < text.length && URL_CHAR.test(text[end])) end++;
    after = end;
    let decoded: string;
    try {
      decoded = decodeURIComponent(text.slice(start, end));
    } catch {
      continue;
    }
    tokens.push({ start, end, decoded, encoding: 'url' });
  }
}

/**
 * How each keyword begins once base64-encoded (as written, and upper-cased if it matches in any case), for
 * finding encoded values that start with one: `AKIA` → `QUtJQ`. Only the characters fixed by the keyword's
 * own bytes are kept.
 */
export function encodedPrefixes(keywords: readonly string[]): string[] {
  const forms = new Set(keywords.flatMap((k) => (keywordAnyCase(k) ? [k, k.toUpperCase()] : [k])));
  return [...forms].map((k) => Buffer.from(k).toString('base64').slice(0, Math.floor((k.length * 4) / 3))).filter((p) => p.length >= 4);
}
