// Messages git's own output does not show whole: a commit message after a NUL byte (git log prints a message
// only up to its first NUL; `git commit` refuses one, but `git hash-object -t commit` writes it and a push
// carries it), and annotated tags' messages (git log shows commits only). Both are read from the raw objects.
import type { Detector } from '../detect/engine.js';
import { type BlobTarget, type RawObject, smallObjects } from '../git/blobs.js';
import { gitStream, records } from '../git/stream.js';
import { type CommitInfo, type Fragment, type FragmentOrBatch, MESSAGE_FILE, type SourceKind } from '../types.js';

export interface RawObjectOptions {
  cwd: string;
  source: SourceKind;
}

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

/** The annotated tags of the repository (refs/tags/* that point at a tag object), named `(tag NAME)`. */
export async function annotatedTags(cwd: string): Promise<BlobTarget[]> {
  const tags: BlobTarget[] = [];
  const format = '--format=%(objecttype) %(objectname) %(refname:strip=2)';
  for await (const record of records(gitStream(['for-each-ref', format, 'refs/tags'], { cwd }), 10)) {
    const [type, id, ...name] = record.split(' ');
    if (type === 'tag') tags.push({ file: `(tag ${name.join(' ')})`, blob: id });
  }
  return tags;
}

/** The messages of annotated tags, as message fragments of the tag object (its id, tagger and date). */
export async function* tagMessageFragments(tags: BlobTarget[], options: RawObjectOptions): AsyncGenerator<Fragment> {
  for await (const { bytes, targets } of smallObjects(tags, options.cwd)) {
    const { headers, message } = parseObject(bytes);
    if (!message) continue;
    const commit = { sha: targets[0].blob, ...personOf(headers.get('tagger')) };
    for (const target of targets) yield { file: target.file, source: options.source, commit, message: true, text: message, line: 1, column: 1, reportStart: 0, reportEnd: Number.POSITIVE_INFINITY };
  }
}

async function withFindings(fragments: AsyncIterable<Fragment>, detector: Detector): Promise<Fragment[]> {
  const kept: Fragment[] = [];
  for await (const fragment of fragments) if (detector.detect(fragment).length) kept.push(fragment);
  return kept;
}

/**
 * What a history scan of `revisions` reads besides the commits: the annotated tags' messages, for all refs or
 * --tags (git log shows commits only); null for other revisions. Only the messages the detector finds
 * something in are kept (tags are few, their findings fewer), and the read starts at once, so that its gits
 * run beside the history's: read after it, boto3's 2,102 tags were ~50 ms of the scan's tail. `only`: these
 * tags, not every annotated tag (an incremental scan's, when the refs are those it read last time).
 */
export function historyTagMessages(cwd: string, revisions: readonly string[], detector: Detector, only?: BlobTarget[]): Promise<Fragment[]> | null {
  if (!revisions.includes('--all') && !revisions.includes('--tags')) return null;
  const tags = (only ? Promise.resolve(only) : annotatedTags(cwd)).then((found) => withFindings(tagMessageFragments(found, { cwd, source: 'history' }), detector));
  tags.catch(() => {}); // awaited after the history; when the history fails first, its error is the one to report
  return tags;
}

/** A history's fragments, then the tags' messages that go with it (see historyTagMessages). */
export async function* withTagMessages(history: AsyncIterable<FragmentOrBatch>, tags: Promise<Fragment[]> | null): AsyncGenerator<FragmentOrBatch> {
  yield* history;
  if (tags) yield await tags;
}
