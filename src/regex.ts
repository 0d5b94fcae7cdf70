// Literal text inside a pattern, for the two regex dialects keyguard writes, and a cheaper matchAll.

/** For a JavaScript RegExp. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** For POSIX ERE (grep -E, git-secrets' patterns), which RE2 reads the same way. */
export const escapeEre = (text: string) => text.replace(/[\\.[\]()*+?{}|^$]/g, '\\$&');

/**
 * Calls `found` with the index of each match of a global regex (and the match itself, with its `indices` under
 * flag d), as String#matchAll would: past an empty match, the search moves on a character. String#matchAll
 * copies the regex and makes an iterator on every call, and the detector calls this on every fragment.
 */
export function forEachMatch(regex: RegExp, text: string, found: (index: number, match: string, groups: RegExpExecArray) => void): void {
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match; match = regex.exec(text)) {
    if (match[0].length === 0) regex.lastIndex++;
    found(match.index, match[0], match);
  }
}
