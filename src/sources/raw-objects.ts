// Messages git's own output does not show whole: a commit message after a NUL byte (git log prints a message
// only up to its first NUL; `git commit` refuses one, but `git hash-object -t commit` writes it and a push
// carries it), and the objects' headers for annotated tags' messages (ref-objects.ts). Read from the raw objects.
import type { RawObject } from '../git/blobs.js';
import { type CommitInfo, type Fragment, MESSAGE_FILE, type SourceKind } from '../types.js';

/** `Name <email> 1700000000 +0130` (an author, committer or tagger line's value) as a CommitInfo's fields. */
export function personOf(value: string | undefined): Omit<CommitInfo, 'sha'> {
  const match = /^(.*?) <([^>]*)> (\d+) ([+-])(\d\d)(\d\d)$/.exec(value ?? '');
  if (!match) return { author: value ?? '', email: '', date: '' };
  const [, author, email, seconds, sign, hours, minutes] = match;
  const offset = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
  // The local time of the offset, written as git's %aI writes it.
  const local = new Date((Number(seconds) + offset * 60) * 1000).toISOString().slice(0, 19);
  return { author, email, date: `${local}${sign}${hours}:${minutes}` };
}

/** A commit or tag object: its header fields (the first of each name) and its message, as text. */
export function parseObject(bytes: Buffer): { headers: Map<string, string>; message: string } {
  const end = bytes.indexOf('\n\n');
  const headers = new Map<string, string>();
  for (const line of bytes.toString('utf8', 0, end === -1 ? bytes.length : end).split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && !headers.has(line.slice(0, space))) headers.set(line.slice(0, space), line.slice(space + 1));
  }
  const message = end === -1 ? '' : bytes.toString('utf8', end + 2).replace(/\n+$/, '');
  return { headers, message };
}

/**
 * The messages of these commit objects (those objectsWithNul found) past their first NUL byte, as message
 * fragments: the whole message is the text (a key before the NUL pairs with a secret after it), only what
 * follows the NUL is reported (the part before it came through git log).
 */
export function messageTailFragments(commits: readonly RawObject[], source: SourceKind): Fragment[] {
  const fragments: Fragment[] = [];
  for (const { id, bytes } of commits) {
    const body = bytes.indexOf('\n\n');
    if (body === -1 || bytes.indexOf(0, body) === -1) continue;
    const { headers, message } = parseObject(bytes);
    const commit = { sha: id, ...personOf(headers.get('author')) };
    fragments.push({ file: MESSAGE_FILE, source, commit, message: true, text: message, line: 1, column: 1, reportStart: message.indexOf('\0') + 1, reportEnd: Number.POSITIVE_INFINITY });
  }
  return fragments;
}
