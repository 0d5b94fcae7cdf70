// Literal text inside a pattern, for the two regex dialects keyguard writes, and a cheaper matchAll.

/** For a JavaScript RegExp. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** For POSIX ERE (grep -E, git-secrets' patterns), which RE2 reads the same way. */
export const escapeEre = (text: string) => text.replace(/[\\.[\]()*+?{}|^$]/g, '\\$&');

/**
 * Calls `found` with the index of each match of a global regex that cannot match the empty string (it would
 * loop forever). String#matchAll copies the regex on every call: the detector calls this on every fragment.
 */
export function forEachMatch(regex: RegExp, text: string, found: (index: number, match: string) => void): void {
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match; match = regex.exec(text)) found(match.index, match[0]);
}
