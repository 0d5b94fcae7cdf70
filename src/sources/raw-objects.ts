// What git's own output does not show of commits and tags, read from the raw objects: a commit message after a
// NUL byte (git log prints a message only up to its first NUL; `git commit` refuses one, but `git hash-object
// -t commit` writes it and a push carries it), a commit's header (git log shows its author's name and email,
// none of the committer, signature, merged tags or other header lines a crafted object carries), and the
// objects' headers for annotated tags' messages (ref-objects.ts).
import type { RawObject } from '../git/blobs.js';
import { type CommitInfo, type Fragment, HEADER_FILE, MESSAGE_FILE, type SourceKind } from '../types.js';

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

const BLANK_LINE = Buffer.from('\n\n');

/** Where a commit or tag object's header ends: at its first blank line, or at its end when it has no message. */
function headerEnd(bytes: Buffer): number {
  const end = bytes.indexOf(BLANK_LINE);
  return end === -1 ? bytes.length : end;
}

/** A commit or tag object: its header fields (the first of each name) and its message, as text. */
export function parseObject(bytes: Buffer): { headers: Map<string, string>; message: string } {
  const end = headerEnd(bytes);
  const headers = new Map<string, string>();
  for (const line of bytes.toString('utf8', 0, end).split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && !headers.has(line.slice(0, space))) headers.set(line.slice(0, space), line.slice(space + 1));
  }
  const message = end === bytes.length ? '' : bytes.toString('utf8', end + 2).replace(/\n+$/, '');
  return { headers, message };
}

/**
 * A commit object's header as a fragment, all its lines as `git cat-file commit` prints them (a merged tag's
 * and a signature's continuation lines too), judged whole: a key ID in one line pairs with a secret in
 * another. The tree and parent ids are hex, under every secret rule's entropy; a signature's base64 lines (64
 * or 70 characters) are longer than a secret, and its shorter last line needs a key ID or a name beside it,
 * as in any text.
 */
export function headerFragment(bytes: Buffer, source: SourceKind, commit: CommitInfo | null, file = HEADER_FILE): Fragment {
  const text = bytes.toString('utf8', 0, headerEnd(bytes));
  return { file, source, commit, message: true, text, line: 1, column: 1, reportStart: 0, reportEnd: Number.POSITIVE_INFINITY };
}

/**
 * The messages of these commit objects past their first NUL byte (for those that hold one), as message
 * fragments: the whole message is the text (a key before the NUL pairs with a secret after it), only what
 * follows the NUL is reported (the part before it came through git log).
 */
export function messageTailFragments(commits: readonly RawObject[], source: SourceKind): Fragment[] {
  const fragments: Fragment[] = [];
  for (const { id, bytes } of commits) {
    const body = headerEnd(bytes);
    if (body === bytes.length || bytes.indexOf(0, body) === -1) continue;
    const { headers, message } = parseObject(bytes);
    const commit = { sha: id, ...personOf(headers.get('author')) };
    fragments.push({ file: MESSAGE_FILE, source, commit, message: true, text: message, line: 1, column: 1, reportStart: message.indexOf('\0') + 1, reportEnd: Number.POSITIVE_INFINITY });
  }
  return fragments;
}

/** The headers of these commit objects as fragments (see headerFragment), with the commits' ids and authors. */
export function headerFragments(commits: readonly RawObject[], source: SourceKind): Fragment[] {
  return commits.map(({ id, bytes }) => headerFragment(bytes, source, { sha: id, ...personOf(parseObject(bytes).headers.get('author')) }));
}
