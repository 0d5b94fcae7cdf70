// Files keyguard writes where a user names them (a baseline, a history state): a mistyped path must not cost
// someone their file, so keyguard replaces only an empty file or one it wrote itself.
import { escapeRegExp } from './regex.js';

/**
 * Whether `text` may be replaced by a keyguard file of `format` (`keyguard-baseline/1`): empty, or a JSON
 * document that starts with that format's name, whatever its version.
 */
export function replaceableBy(text: string, format: string): boolean {
  const name = format.slice(0, format.indexOf('/') + 1);
  return !text.trim() || new RegExp(`^\\s*\\{\\s*"format"\\s*:\\s*"${escapeRegExp(name)}`).test(text);
}
