// Binary files are skipped (and counted), but a text file with a stray NUL byte is still text: git-secrets
// skips any file git calls binary, so a key written before a NUL passes it. So is UTF-16 text, what Windows
// PowerShell 5.1's `>` and regedit write: half its bytes are NULs.
import { isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { wholeCharactersEnd } from './git/reader.js';

const MAGIC: readonly number[][] = [
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x50, 0x4b, 0x03, 0x04], // zip, jar, docx
  [0x1f, 0x8b], // gzip
  [0x25, 0x50, 0x44, 0x46], // PDF
  [0x00, 0x61, 0x73, 0x6d], // wasm
  [0xca, 0xfe, 0xba, 0xbe], // Java class, Mach-O fat
  [0xcf, 0xfa, 0xed, 0xfe], // Mach-O
  [0x4d, 0x5a], // PE (Windows executables)
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0x42, 0x5a, 0x68], // bzip2
  [0xfd, 0x37, 0x7a, 0x58, 0x5a], // xz
  [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], // SQLite database
];

/** How many first bytes the tests below look at: what git looks at for its own binary test. */
export const SAMPLE = 8000;

/** Tab, newline, form feed, carriage return and escape are text; other code points below 32 are not. */
const isControl = (c: number) => c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13 && c !== 27;

const printable = (byte: number) => byte >= 32 && byte < 127;

/**
 * True when over 30% of the first 8,000 bytes are control bytes (binary formats are thick with NULs, while a
 * text file with a few stray ones is still text worth scanning), or for a known binary format's magic number:
 * one with a byte no text starts with (\x89PNG, \x7fELF, PK\x03\x04), or a printable one followed by what no
 * UTF-8 text holds, a control byte other than NUL or an invalid sequence. `MZ`, `BZh`, `GIF8` and `%PDF` alone
 * say nothing: a text file (one that `.gitattributes` calls binary, say) can start with them, while a real
 * file of those formats has such bytes within its first few (MZ\x90, a GIF's sizes, a PDF's binary-marker
 * comment, compressed data).
 */
export function isBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, SAMPLE);
  let control = 0;
  let nul = 0;
  for (let i = 0; i < n; i++) {
    if (!isControl(head[i])) continue;
    control++;
    if (head[i] === 0) nul++;
  }
  if (control * 10 > n * 3) return true;
  const magic = MAGIC.find((bytes) => bytes.every((byte, i) => head[i] === byte));
  if (!magic) return false;
  if (!magic.every(printable)) return true;
  const sample = head.subarray(0, n);
  // The sample's end may cut a character: what comes before it is what must be valid.
  return control > nul || !isUtf8(sample.subarray(0, wholeCharactersEnd(sample)));
}

export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'utf32le' | 'utf32be';

/** The code units of the sample, `width` bytes each (2: UTF-16, 4: UTF-32), read in the given byte order. */
function* codeUnits(head: Uint8Array, width: 2 | 4, littleEndian: boolean, from: number): Generator<number> {
  const end = from + Math.floor((Math.min(head.length, SAMPLE) - from) / width) * width;
  for (let i = from; i < end; i += width) {
    let unit = 0;
    for (let b = 0; b < width; b++) unit = unit * 256 + head[littleEndian ? i + width - 1 - b : i + b];
    yield unit;
  }
}

/** Fewer code units than this tell nothing: a short binary could pass for them. */
const MIN_UNITS = 4;

/**
 * With a BOM, the sample passes the same test as isBinary, on code units, and holds no broken surrogate pair
 * in UTF-16, no unit past U+10FFFF or in the surrogates in UTF-32 (random data after a chance BOM has many);
 * without one, at least 9 in 10 of its code units must be printable ASCII or whitespace (so a UTF-8 or binary
 * file cannot pass: nine in ten of its units would need NULs in the same places).
 */
function unitText(head: Uint8Array, width: 2 | 4, littleEndian: boolean, bom: boolean): boolean {
  let units = 0;
  let ascii = 0;
  let control = 0;
  let highSurrogate = false;
  for (const unit of codeUnits(head, width, littleEndian, bom ? width : 0)) {
    units++;
    if (isControl(unit)) control++;
    else if (unit < 127) ascii++;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    if (width === 4) {
      if (unit > 0x10ffff || low || (unit >= 0xd800 && unit <= 0xdbff)) return false;
      continue;
    }
    if (low !== highSurrogate) return false;
    highSurrogate = unit >= 0xd800 && unit <= 0xdbff;
  }
  return bom ? control * 10 <= units * 3 : units >= MIN_UNITS && ascii * 10 >= units * 9;
}

/**
 * How to decode a file by its first bytes (up to SAMPLE): UTF-32 or UTF-16 with a byte order mark, or without
 * one when its code units are mostly ASCII (the other bytes of each unit NUL, one printable); else UTF-8, or
 * null for a binary (see isBinary). Non-ASCII UTF-16 or UTF-32 without a BOM stays binary: nothing cheap tells
 * it from data.
 */
export function textEncoding(head: Uint8Array): TextEncoding | null {
  // UTF-32LE's BOM starts as UTF-16LE's does: tried first.
  if (head[0] === 0xff && head[1] === 0xfe && head[2] === 0 && head[3] === 0 && unitText(head, 4, true, true)) return 'utf32le';
  if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff && unitText(head, 4, false, true)) return 'utf32be';
  if (head[0] === 0xff && head[1] === 0xfe) return unitText(head, 2, true, true) ? 'utf16le' : null;
  if (head[0] === 0xfe && head[1] === 0xff) return unitText(head, 2, false, true) ? 'utf16be' : null;
  // NULs in the first unit where UTF-32 or UTF-16 of ASCII text has them, and UTF-8 text almost never does.
  if (head[0] !== 0 && head[1] === 0 && head[2] === 0 && head[3] === 0 && unitText(head, 4, true, false)) return 'utf32le';
  if (head[0] === 0 && head[1] === 0 && head[2] === 0 && head[3] !== 0 && unitText(head, 4, false, false)) return 'utf32be';
  if (head[1] === 0 && head[0] !== 0 && unitText(head, 2, true, false)) return 'utf16le';
  if (head[0] === 0 && head[1] !== 0 && unitText(head, 2, false, false)) return 'utf16be';
  return isBinary(head) ? null : 'utf8';
}

/** How many first bytes of a text of that encoding are its byte order mark (no character of the text: it would shift the first line's columns). */
export function bomLength(head: Uint8Array, encoding: TextEncoding): number {
  if (encoding === 'utf16le' || encoding === 'utf16be') return head[0] === 0xff || head[0] === 0xfe ? 2 : 0;
  if (encoding === 'utf32le' || encoding === 'utf32be') return head[0] === 0xff || head[2] === 0xfe ? 4 : 0;
  return 0;
}

/**
 * A UTF-32 stream decoded (StringDecoder reads no UTF-32): each code unit written as UTF-16LE, what is no code
 * point as U+FFFD, a unit cut by the end of a chunk held for the rest of it.
 */
class Utf32Decoder {
  private held: Buffer | null = null;

  constructor(private readonly littleEndian: boolean) {}

  write(chunk: Buffer): string {
    const bytes = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    const whole = bytes.length & ~3;
    this.held = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : null;
    const out = Buffer.allocUnsafe(whole); // two UTF-16 units at most for each UTF-32 one
    let length = 0;
    for (let i = 0; i < whole; i += 4) {
      let unit = this.littleEndian ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i);
      if (unit > 0x10ffff || (unit >= 0xd800 && unit <= 0xdfff)) unit = 0xfffd;
      if (unit < 0x10000) length = out.writeUInt16LE(unit, length);
      else length = out.writeUInt16LE(0xdc00 + ((unit - 0x10000) & 0x3ff), out.writeUInt16LE(0xd800 + ((unit - 0x10000) >> 10), length));
    }
    return out.toString('utf16le', 0, length);
  }

  end(): string {
    return this.held ? '\ufffd' : '';
  }
}

/** Bytes of a UTF-16BE stream swapped into UTF-16LE, which StringDecoder reads; an odd last byte waits for its pair. */
class ByteSwapper {
  private odd: Buffer | null = null;

  swap(chunk: Buffer): Buffer {
    const bytes = this.odd ? Buffer.concat([this.odd, chunk]) : Buffer.from(chunk);
    const even = bytes.length & ~1;
    this.odd = even < bytes.length ? bytes.subarray(even) : null;
    return bytes.subarray(0, even).swap16();
  }
}

/**
 * Text of `encoding`, decoded chunk by chunk without its byte order mark: StringDecoder for UTF-8 and UTF-16
 * (UTF-16BE swapped into LE first), Utf32Decoder for UTF-32, which Node cannot decode.
 */
export class TextDecoding {
  private readonly decoder: StringDecoder | Utf32Decoder;
  private readonly swapper: ByteSwapper | null;
  private started = false;

  constructor(private readonly encoding: TextEncoding) {
    this.decoder = encoding === 'utf32le' || encoding === 'utf32be' ? new Utf32Decoder(encoding === 'utf32le') : new StringDecoder(encoding === 'utf8' ? 'utf8' : 'utf16le');
    this.swapper = encoding === 'utf16be' ? new ByteSwapper() : null;
  }

  write(chunk: Buffer): string {
    if (!this.started) {
      this.started = true;
      chunk = chunk.subarray(bomLength(chunk, this.encoding));
    }
    return this.decoder.write(this.swapper ? this.swapper.swap(chunk) : chunk);
  }

  end(): string {
    return this.decoder.end();
  }
}

/** A whole buffer's text, decoded as a scanned file's is (as UTF-8 when textEncoding finds it binary). */
export function decodeText(bytes: Buffer): string {
  const decoding = new TextDecoding(textEncoding(bytes) ?? 'utf8');
  return decoding.write(bytes) + decoding.end();
}
