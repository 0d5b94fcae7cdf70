// Literal text inside a pattern, for the two regex dialects keyguard writes.

/** For a JavaScript RegExp. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** For POSIX ERE (grep -E, git-secrets' patterns), which RE2 reads the same way. */
export const escapeEre = (text: string) => text.replace(/[\\.[\]()*+?{}|^$]/g, '\\$&');
