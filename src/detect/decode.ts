// Secrets hidden one encoding deep: base64 values (a Kubernetes Secret's `data:`, a whole credentials file or
// JSON encoded), `%2F` and `%2B` in URLs. The decoders find encoded tokens and their decoded text; the detector
// reads each line once with all its tokens decoded (views.ts). Every loop here reads a character a bounded
// number of times: no token is looked at twice, and none rereads its line.

import { escapeRegExp, forEachMatch } from '../regex.js';
import { detectorWork } from './work.js';

export interface EncodedToken {
  start: number;
  end: number;
  decoded: string;
  encoding: 'base64' | 'url';
  /** URL tokens: offsets in `decoded` of the characters that were escaped (sorted); what is not was there in clear */
  escaped?: number[];
}

// 24 characters decode to 18 bytes, less than any AWS key.
const MIN_BASE64 = 24;
const table = (chars: string) => {
  const member = new Uint8Array(128);
  for (const c of chars) member[c.charCodeAt(0)] = 1;
  return (code: number) => code < 128 && member[code] === 1;
};
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const isBase64 = table(BASE64_ALPHABET);
const isUrlChar = table(`${BASE64_ALPHABET}%=._~-`);
// A token glued to these is part of something else (an identifier, a JWT, an integrity string's `sha512-`).
const isGlue = (code: number) => code === 0x3d || code === 0x5f || code === 0x2d; // = _ -
// Decoded bytes that are not text: invalid UTF-8 (decoded as U+FFFD) or control characters but tab and line breaks.
const NOT_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]/;

/** text[start, end) decoded from base64, or null when the bytes are not text. */
function decodeBase64(text: string, start: number, end: number): string | null {
  detectorWork.decodedChars += end - start;
  const decoded = Buffer.from(text.slice(start, end), 'base64').toString('utf8');
  return decoded && !NOT_TEXT.test(decoded) ? decoded : null;
}

/** Where the padding ('=', at most two) after a base64 run ending at `runEnd` ends, within text[, to). */
function paddingEnd(text: string, runEnd: number, to: number): number {
  let end = runEnd;
  while (end < to && end - runEnd < 2 && text.charCodeAt(end) === 0x3d) end++;
  return end;
}

/**
 * Standalone runs of base64 characters in text[from, to) (a line or a run of lines near a keyword) that
 * decode to text, added to `tokens`. Most runs are words: only those of 24 characters or more, a multiple of
 * 4 with their padding, not glued to an identifier, are decoded. A loop, as a regex here costs twice as much.
 */
export function base64Tokens(text: string, from: number, to: number, tokens: EncodedToken[]): void {
  for (let i = from; i < to; i++) {
    if (!isBase64(text.charCodeAt(i))) continue;
    const start = i;
    while (i + 1 < to && isBase64(text.charCodeAt(i + 1))) i++;
    // Two '=' of padding are the most a run grows by.
    if (i + 1 - start < MIN_BASE64 - 2) continue;
    const end = paddingEnd(text, i + 1, to);
    if ((end - start) % 4 !== 0 || end - start < MIN_BASE64) continue;
    if ((start > 0 && isGlue(text.charCodeAt(start - 1))) || (end < text.length && (isGlue(text.charCodeAt(end)) || isBase64(text.charCodeAt(end))))) continue;
    const decoded = decodeBase64(text, start, end);
    if (decoded !== null) tokens.push({ start, end, decoded, encoding: 'base64' });
  }
}

/** A place where an encoded key prefix stands: its offset, and where the 4-character group holding its first byte begins. */
export interface EncodedHit {
  index: number;
  groupStart: number;
}

/**
 * Base64 text that encodes one of the key prefixes, whatever its byte offset in what was encoded: `AKIA` in
 * `aws_access_key_id=AKIA…` may fall at any of the three positions of a 3-byte group, and each encodes it
 * differently (`QUtJQ`, `FLSU`, `BS0lB`). For each position the characters decided by the prefix's bytes
 * alone are searched for, all in one regex.
 */
export class EncodedPrefixes {
  private readonly regex: RegExp | null;
  /** how many characters after the start of its 4-character group each form begins */
  private readonly lead = new Map<string, number>();

  /** `prefixes` are matched as written. */
  constructor(prefixes: readonly string[]) {
    for (const prefix of prefixes) {
      for (let offset = 0; offset < 3; offset++) {
        // Bits [8·offset, 8·(offset + n)) are the prefix's; a character holds bits [6j, 6j + 6).
        const first = Math.ceil((8 * offset) / 6);
        const last = Math.floor((8 * (offset + prefix.length) - 6) / 6);
        const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(prefix), Buffer.alloc(2)]).toString('base64').slice(first, last + 1);
        // Shorter forms stand by chance in every few kilobytes of base64.
        if (encoded.length >= 4 && !this.lead.has(encoded)) this.lead.set(encoded, first);
      }
    }
    const forms = [...this.lead.keys()].sort((a, b) => b.length - a.length);
    this.regex = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : null;
  }

  /** Each place in `text` where an encoded prefix stands. */
  find(text: string): EncodedHit[] {
    const hits: EncodedHit[] = [];
    if (this.regex) forEachMatch(this.regex, text, (index, form) => hits.push({ index, groupStart: index - this.lead.get(form)! }));
    return hits;
  }
}

/** A byte of ASCII text: printable, tab or line break. (Junk before a key often holds bytes of 0x80 and up.) */
const isTextByte = (byte: number) => (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * The base64 runs holding the hits, decoded from the alignment each hit implies rather than from the run's
 * first character, and cut to the ASCII text around the hit: a run glued to a path (`/v1/blobs/…`, '/' being a
 * base64 character) or holding binary around an encoded file still yields that file. Runs that start at one of
 * `taken` (already decoded) are skipped, and a run is read once whatever number of hits it holds.
 * `lineBounds` gives the line around an offset.
 */
export function base64TokensAt(text: string, hits: readonly EncodedHit[], taken: ReadonlySet<number>, lineBounds: (offset: number) => [number, number], tokens: EncodedToken[]): void {
  let after = -1; // end of the last run looked at: later hits inside it were decoded with it
  for (const hit of hits) {
    if (hit.index < after) continue;
    const [from, to] = lineBounds(hit.index);
    let runStart = hit.index;
    while (runStart > from && isBase64(text.charCodeAt(runStart - 1))) runStart--;
    let runEnd = hit.index;
    while (runEnd < to && isBase64(text.charCodeAt(runEnd))) runEnd++;
    const end = paddingEnd(text, runEnd, to);
    after = end;
    if (taken.has(runStart)) continue;
    const start = runStart + ((((hit.groupStart - runStart) % 4) + 4) % 4);
    detectorWork.decodedChars += end - start;
    const bytes = Buffer.from(text.slice(start, end), 'base64');
    // The text around the hit's group, in whole groups: 3 bytes, 4 characters.
    const hitGroup = Math.max(0, Math.floor((hit.groupStart - start) / 4));
    let low = hitGroup * 3;
    while (low > 0 && isTextByte(bytes[low - 1])) low--;
    let high = hitGroup * 3;
    while (high < bytes.length && isTextByte(bytes[high])) high++;
    const firstGroup = Math.ceil(low / 3);
    const lastGroup = high === bytes.length ? Math.ceil(high / 3) : Math.floor(high / 3);
    const tokenStart = start + 4 * firstGroup;
    const tokenEnd = high === bytes.length ? end : start + 4 * lastGroup;
    if (tokenEnd - tokenStart < MIN_BASE64) continue;
    const decoded = bytes.subarray(3 * firstGroup, Math.min(high, 3 * lastGroup)).toString('utf8');
    if (!NOT_TEXT.test(decoded)) tokens.push({ start: tokenStart, end: tokenEnd, decoded, encoding: 'base64' });
  }
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A URL-encoded run decoded as decodeURIComponent would, with the offsets of the characters that were
 * escaped; null where decodeURIComponent would throw (a stray '%', bytes that are not UTF-8).
 */
function decodeUrl(raw: string): { decoded: string; escaped: number[] } | null {
  let decoded = '';
  const escaped: number[] = [];
  for (let i = 0; i < raw.length; ) {
    if (raw.charCodeAt(i) !== 0x25) {
      const next = raw.indexOf('%', i);
      const end = next === -1 ? raw.length : next;
      decoded += raw.slice(i, end);
      i = end;
      continue;
    }
    const bytes: number[] = [];
    for (; i < raw.length && raw.charCodeAt(i) === 0x25; i += 3) {
      const hex = raw.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
    }
    let chars: string;
    try {
      chars = utf8.decode(Uint8Array.from(bytes));
    } catch {
      return null;
    }
    for (let k = 0; k < chars.length; k++) escaped.push(decoded.length + k);
    decoded += chars;
  }
  return { decoded, escaped };
}

/** URL-encoded runs of text holding an escaped '/', '+' or '=', added to `tokens`. */
export function urlTokens(text: string, tokens: EncodedToken[]): void {
  // An escaped '/', '+' or '='; the token around it is grown by hand, since a regex like
  // /[…]*%2F[…]*/ backtracks quadratically over every run of word characters that holds no escape.
  if (!text.includes('%')) return;
  const escape = /%(?:2[BbFf]|3[Dd])/g;
  let after = 0; // end of the last token: escapes inside it were decoded with it
  forEachMatch(escape, text, (index) => {
    if (index < after) return;
    let start = index;
    while (start > after && isUrlChar(text.charCodeAt(start - 1))) start--;
    let end = index + 3;
    while (end < text.length && isUrlChar(text.charCodeAt(end))) end++;
    after = end;
    detectorWork.decodedChars += end - start;
    const url = decodeUrl(text.slice(start, end));
    if (url) tokens.push({ start, end, decoded: url.decoded, encoding: 'url', escaped: url.escaped });
  });
}
