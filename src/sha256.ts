import { createRequire } from 'node:module';

// node:crypto takes 5-10 ms of Node's thread to load, as a history scan starts and its git log needs reading,
// and a scan that finds nothing hashes nothing: it loads on the first hash.
let createHash: typeof import('node:crypto').createHash | undefined;

/** The SHA-256 of `text` (UTF-8), in hex: fingerprints, allowlisted secrets, state keys. */
export function sha256Hex(text: string): string {
  createHash ??= (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash;
  return createHash('sha256').update(text).digest('hex');
}
