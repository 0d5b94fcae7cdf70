// What refs hold besides commits. A ref may name an annotated tag (a message of its own, and whatever it tags:
// a commit, another tag, a blob, a tree), or a blob or a tree straight away (`git tag creds <blob>`). git log
// walks commits only, while `git push` sends every one of these objects, so they are read here, each by the
// type git gives the object, never by the ref's name.
import { execFileSync } from 'node:child_process';
import type { Detector } from '../detect/engine.js';
import { type BlobTarget, blobContents, smallObjects } from '../git/blobs.js';
import { gitStream, records, storedObjectsEnv } from '../git/stream.js';
import { emptyStats, type Fragment, type FragmentOrBatch, HEADER_SUFFIX, type ScanStats, type SourceKind } from '../types.js';
import { blobFragments } from './blobs.js';
import { fragmentsOf } from './files.js';
import { nameFragment } from './names.js';
import { headerFragment, parseObject, personOf } from './raw-objects.js';

/**
 * An object a ref names: how findings name it (refFile), its id, and its type when the caller knows it (else
 * the `cat-file --batch` that reads it says). `commit` is what findings give as their commit: the ref's own
 * object (its id, and its tagger when it is an annotated tag), whatever it tags.
 */
export interface RefObject extends BlobTarget {
  type?: string;
}

export interface RefReadOptions {
  cwd: string;
  source: SourceKind;
  contextLines: number;
  stats: ScanStats;
}

/** How findings name what a ref holds: `(tag NAME)` for refs/tags/NAME (as tag messages always were), else `(ref refs/…)`. */
export const refFile = (refname: string): string => (refname.startsWith('refs/tags/') ? `(tag ${refname.slice(10)})` : `(ref ${refname})`);

/**
 * The refs matching `patterns` (every ref for none) that name something other than a commit, with their types:
 * the same for-each-ref that lists the annotated tags, so a repository without such refs costs no more git.
 */
export async function nonCommitRefs(cwd: string, patterns: readonly string[]): Promise<RefObject[]> {
  const found: RefObject[] = [];
  const format = '--format=%(objecttype) %(objectname) %(refname)';
  for await (const record of records(gitStream(['for-each-ref', format, ...patterns], { cwd, env: storedObjectsEnv() }), 10)) {
    const [type, id, ...name] = record.split(' ');
    if (id && type !== 'commit') found.push({ file: refFile(name.join(' ')), blob: id, type });
  }
  return found;
}

/**
 * What `git cat-file --batch-check` says each name is (`<id>`, `<id>^{}`, `<id>^{commit}`: any object name),
 * in one git: its type, or null when there is no such object.
 */
export function objectTypes(names: readonly string[], cwd: string): Array<string | null> {
  if (!names.length) return [];
  const input = `${names.join('\n')}\n`;
  const lines = execFileSync('git', ['cat-file', '--batch-check=%(objecttype)'], { cwd, env: storedObjectsEnv(), input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] }).split('\n');
  // A type is one word; `<name> missing` (or ambiguous) is not.
  return names.map((_, i) => (lines[i] && !lines[i].includes(' ') ? lines[i] : null));
}

/** A fragment of what a ref holds, and the ref it came from (the object the caller named). */
interface RefPart {
  fragment: Fragment;
  ref: RefObject;
}

/** A tree's blobs are read this many at a time: memory stays bounded whatever the tree holds. */
const TREE_BATCH = 1000;

/** Every blob of a tree (named `(tag NAME)/path`), and each path's name fragment. */
async function* treeFragments(tree: RefObject, options: RefReadOptions): AsyncGenerator<Fragment> {
  let batch: BlobTarget[] = [];
  const listing = gitStream(['ls-tree', '-r', '-z', '--full-tree', tree.blob], { cwd: options.cwd, env: storedObjectsEnv() });
  for await (const entry of records(listing)) {
    const tab = entry.indexOf('\t');
    const [, type, id] = entry.slice(0, tab).split(' ');
    if (type !== 'blob') continue; // a submodule's commit is another repository's
    const file = `${tree.file}/${entry.slice(tab + 1)}`;
    const name = nameFragment({ file, source: options.source, commit: tree.commit ?? null });
    if (name) yield name;
    batch.push({ file, blob: id, commit: tree.commit });
    if (batch.length < TREE_BATCH) continue;
    yield* blobFragments(batch, options);
    batch = [];
  }
  yield* blobFragments(batch, options);
}

/** An object to read (the ref's own, or one a tag tags), with the ref it came from. */
interface Pending {
  object: RefObject;
  ref: RefObject;
}

/** How findings name a tag's header: `(tag NAME header)` beside its message's `(tag NAME)`. */
const headerFile = (file: string) => `${file.slice(0, -1)}${HEADER_SUFFIX}`;

/**
 * A tag object's header and message as fragments (a key as the tagger, or in a header line a crafted tag
 * carries, as in a commit's: see headerFragment), and what it tags for `next` unless it is a commit (which git
 * log reads). The outermost tag gives the findings their commit: the ref names it, and it has the tagger.
 */
function* tagParts(bytes: Buffer, { object, ref }: Pending, next: Pending[], source: SourceKind): Generator<RefPart> {
  const { headers, message } = parseObject(bytes);
  const commit = object.commit ?? { sha: object.blob, ...personOf(headers.get('tagger')) };
  yield { ref, fragment: headerFragment(bytes, source, commit, headerFile(object.file)) };
  if (message) yield { ref, fragment: { file: object.file, source, commit, message: true, text: message, line: 1, column: 1, reportStart: 0, reportEnd: Number.POSITIVE_INFINITY } };
  const [tagged, type] = [headers.get('object'), headers.get('type')];
  if (tagged && type && type !== 'commit') next.push({ object: { file: object.file, blob: tagged, type, commit }, ref });
}

/** A blob or tree a ref names straight away is its own commit, with no author or date. */
const withOwnCommit = (object: RefObject): RefObject => ({ ...object, commit: object.commit ?? { sha: object.blob, author: '', email: '', date: '' } });

/**
 * The refs of unknown type (an incremental scan's, from its state) in one `cat-file --batch`, whose headers say
 * each type: a tag's message and a blob's content read there; a tree, and what the tags tag, left in `next`.
 */
async function* untypedParts(refs: readonly RefObject[], next: Pending[], options: RefReadOptions): AsyncGenerator<RefPart> {
  for await (const { target: ref, type, bytes } of blobContents(refs, options.cwd)) {
    const item = { object: { file: ref.file, blob: ref.blob, type }, ref };
    if (type === 'tag') {
      const parts: Buffer[] = [];
      for await (const piece of bytes) parts.push(Buffer.from(piece));
      yield* tagParts(Buffer.concat(parts), item, next, options.source);
    } else if (type === 'blob') {
      const object = withOwnCommit(item.object);
      for await (const fragment of fragmentsOf(bytes, { file: object.file, source: options.source, commit: object.commit! }, options.contextLines, options.stats)) yield { fragment, ref };
    } else if (type === 'tree') next.push(item);
  }
}

/**
 * What `refs` hold, read by type in rounds: the annotated tags' messages (each tag object read whole, as
 * small as tags are), then what they tag in the next round (a tag of a tag of a blob: the blob two rounds on);
 * the blobs' contents and the trees' blobs streamed, binaries judged as every source judges them.
 */
async function* refParts(refs: readonly RefObject[], options: RefReadOptions): AsyncGenerator<RefPart> {
  let pending: Pending[] = [];
  const untyped = refs.filter((ref) => !ref.type);
  if (untyped.length) yield* untypedParts(untyped, pending, options);
  pending.push(...refs.filter((ref) => ref.type).map((ref) => ({ object: { file: ref.file, blob: ref.blob, type: ref.type }, ref })));
  while (pending.length) {
    const next: Pending[] = [];
    const tags = pending.filter(({ object }) => object.type === 'tag');
    const byObject = new Map(tags.map((item) => [item.object, item]));
    for await (const { bytes, targets } of smallObjects(tags.map(({ object }) => object), options.cwd)) {
      for (const target of targets) yield* tagParts(bytes, byObject.get(target)!, next, options.source);
    }
    for (const { object, ref } of pending) {
      if (object.type === 'blob') for await (const fragment of blobFragments([withOwnCommit(object)], options)) yield { fragment, ref };
      if (object.type === 'tree') for await (const fragment of treeFragments(withOwnCommit(object), options)) yield { fragment, ref };
    }
    pending = next;
  }
}

/** The fragments of what these refs hold (see refParts). */
export async function* refObjectFragments(refs: readonly RefObject[], options: RefReadOptions): AsyncGenerator<Fragment> {
  for await (const { fragment } of refParts(refs, options)) yield fragment;
}

/** What a history scan reads of its refs besides the commits: the fragments the detector finds something in. */
export interface RefFindings {
  fragments: Fragment[];
  /** the refs those came from, as [object id, name]: what an incremental scan reads again next time */
  refs: Array<[string, string]>;
}

async function withFindings(parts: AsyncIterable<RefPart>, detector: Detector): Promise<RefFindings> {
  const fragments: Fragment[] = [];
  const refs = new Map<string, [string, string]>();
  for await (const { fragment, ref } of parts) {
    if (!detector.detect(fragment).length) continue;
    fragments.push(fragment);
    refs.set(`${ref.blob} ${ref.file}`, [ref.blob, ref.file]);
  }
  return { fragments, refs: [...refs.values()] };
}

/**
 * What a history scan of `revisions` reads besides the commits: what the refs that name no commit hold (see
 * refParts), for all refs or --tags; null for other revisions. Only the fragments the detector finds something
 * in are kept (such refs are few, their findings fewer), and the read starts at once, so that its gits run
 * beside the history's: read after it, boto3's 2,102 tags were ~50 ms of the scan's tail. `only`: these refs,
 * not every such ref (an incremental scan's, when the refs are those it read last time).
 */
export function historyRefObjects(cwd: string, revisions: readonly string[], context: { detector: Detector; stats?: ScanStats }, only?: RefObject[]): Promise<RefFindings> | null {
  const patterns = revisions.includes('--all') ? [] : revisions.includes('--tags') ? ['refs/tags'] : null;
  if (patterns === null) return null;
  const options = { cwd, source: 'history' as const, contextLines: context.detector.contextLines, stats: context.stats ?? emptyStats() };
  const read = (only ? Promise.resolve(only) : nonCommitRefs(cwd, patterns)).then((refs) => withFindings(refParts(refs, options), context.detector));
  read.catch(() => {}); // awaited after the history; when the history fails first, its error is the one to report
  return read;
}

/** A history's fragments, then what its refs hold (see historyRefObjects). */
export async function* withRefObjects(history: AsyncIterable<FragmentOrBatch>, refs: Promise<RefFindings> | null): AsyncGenerator<FragmentOrBatch> {
  yield* history;
  if (refs) yield (await refs).fragments;
}
