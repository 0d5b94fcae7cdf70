import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { keyguardJson } from './helpers/cli.js';
import { gitRecorder } from './helpers/git-recorder.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { Repo, Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;
const newRepo = () => sandbox.repo(`incremental-${++repos}`);
const pair = (seed: string) => `aws_access_key_id = ${fakeKeyId(seed)}\naws_secret_access_key = ${fakeSecret(seed)}\n`;
const keyLine = (seed: string) => `aws_access_key_id = ${fakeKeyId(seed)}\n`;
const statePath = (repo: Repo) => repo.git('rev-parse', '--absolute-git-dir').trim() + '/keyguard/history-state.json';

/** An incremental run and a full one agree finding for finding; returns the incremental run. */
function expectSameAsFull(repo: Repo, extra: string[] = [], state: string[] = []) {
  const incremental = repo.keyguardJson(['scan-history', '--incremental', ...state, ...extra]);
  const full = repo.keyguardJson(['scan-history', ...extra]);
  expect(incremental.findings).toEqual(full.findings);
  expect(incremental.code).toBe(full.code);
  return incremental;
}

/** A clone of `origin` holding its last `depth` commits (git honours --depth only for a URL, hence file://). */
function shallowClone(origin: Repo, depth: number): Repo {
  const dir = sandbox.path(`incremental-${++repos}`);
  origin.git('clone', '-q', '--depth', String(depth), `file://${origin.dir}`, dir);
  return new Repo(dir, origin.env);
}

/** What the last incremental run says it read, from the text report's note. */
const readNote = (repo: Repo, extra: string[] = []) => /incremental: (\d+) new commits? scanned, (\d+) re-read/.exec(repo.keyguard(['scan-history', '--incremental', ...extra]).stdout)?.slice(1).map(Number);

describe('scan-history --incremental', () => {
  it('keeps its state in the git directory, holding no secret, and reads nothing again when nothing is new', () => {
    const repo = newRepo();
    repo.commit('readme', { 'README.md': 'docs\n' });
    const added = repo.commit('add keys', { 'conf.ini': pair('first') });
    repo.commit('other', { 'x.txt': 'x\n' });
    const first = expectSameAsFull(repo);
    expect(first.findings).toMatchObject([{ commit: added, commits: 2 }, { commit: added, commits: 2 }]);
    expect(first.stderr).toBe('');
    const state = readFileSync(statePath(repo), 'utf8');
    expect(statSync(statePath(repo)).mode & 0o777).toBe(0o600);
    for (const secret of [fakeKeyId('first'), fakeSecret('first'), fakeSecret('first').slice(0, 12)]) expect(state).not.toContain(secret);
    expect(repo.git('status', '--porcelain')).toBe('');
    // The commit that held the keys is read again (the state keeps no finding); nothing else is.
    expect(readNote(repo)).toEqual([0, 1]);
    expect(expectSameAsFull(repo).findings).toEqual(first.findings);
    // Nothing new: the state is left as it was, not written again (a rename would give it another inode).
    const { ino } = statSync(statePath(repo));
    expect(repo.keyguardJson(['scan-history', '--incremental']).findings).toEqual(first.findings);
    expect(statSync(statePath(repo)).ino).toBe(ino);
    expect(readFileSync(statePath(repo), 'utf8')).toBe(state);
  });

  it('reports old and new findings after new commits on several branches, with full-scan counts', () => {
    const repo = newRepo();
    const base = repo.commit('base', { 'a.ini': keyLine('old'), 'b.txt': 'b\n' });
    repo.git('branch', 'feature');
    repo.commit('main work', { 'c.txt': 'c\n' });
    expectSameAsFull(repo);

    repo.commit('main: new key', { 'main.ini': keyLine('main-new') });
    repo.git('checkout', '-q', 'feature');
    repo.commit('feature: delete the old key', { 'a.ini': 'nothing\n' });
    repo.commit('feature: new key', { 'f.ini': pair('feature') });
    repo.git('checkout', '-q', '-b', 'other', base);
    repo.commit('other: key in a message', { 'o.txt': 'o\n' });
    repo.git('commit', '-q', '--allow-empty', '-m', `rotate ${fakeKeyId('message')}`);
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-edit', 'feature');
    const { findings } = expectSameAsFull(repo);
    expect(findings.map((f) => f.file).sort()).toEqual(['(commit message)', 'a.ini', 'f.ini', 'f.ini', 'main.ini']);
    // base (which held the old key) and the feature commit that deleted it are re-read; 6 commits are new
    expect(readNote(repo)).toEqual([0, 5]);
    repo.commit('after the merge', { 'd.txt': 'd\n' });
    expect(readNote(repo)).toEqual([1, 5]);
    expectSameAsFull(repo);
  });

  it('forgets the commits a force-push removed, and reads the ones that replaced them', () => {
    const repo = newRepo();
    repo.commit('base', { 'README.md': 'docs\n' });
    const gone = repo.commit('leak', { 'leak.ini': keyLine('gone') });
    expect(expectSameAsFull(repo).findings).toMatchObject([{ commit: gone }]);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    const replaced = repo.commit('rewritten', { 'new.ini': keyLine('replacement') });
    expect(expectSameAsFull(repo).findings).toMatchObject([{ commit: replaced, file: 'new.ini' }]);
    // Once git has dropped the old commits too, their ids in the state name nothing.
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    repo.git('reflog', 'expire', '--expire=now', '--all');
    repo.git('gc', '-q', '--prune=now');
    repo.commit('rewritten again', { 'clean.txt': 'clean\n' });
    const { findings, stderr } = expectSameAsFull(repo);
    expect(findings).toEqual([]);
    expect(stderr).toBe('');
  });

  it('applies a changed allowlist or baseline to the stored history at once', () => {
    const repo = newRepo();
    repo.commit('keys', { 'conf.ini': pair('allow'), 'other.ini': keyLine('kept') });
    expect(expectSameAsFull(repo).findings).toHaveLength(3);
    repo.write('.keyguardallow', `regex ^${fakeSecret('allow').slice(0, 8).replace(/[+/]/g, '.')} # a regex needs the secret in clear\npath other.ini\n`);
    expect(expectSameAsFull(repo).findings.map((f) => f.ruleId)).toEqual(['aws-access-key-id']);
    repo.write('.keyguardallow', '');
    repo.keyguard(['baseline', 'create']);
    expect(expectSameAsFull(repo, ['--baseline', '.keyguard-baseline.json']).findings).toEqual([]);
    expect(readNote(repo)).toEqual([0, 1]);
  });

  it('warns in one line and scans everything when the state is corrupt or foreign, and keeps it where --state says', () => {
    const repo = newRepo();
    repo.commit('keys', { 'conf.ini': keyLine('corrupt') });
    expectSameAsFull(repo);
    writeFileSync(statePath(repo), '{"format": "keyguard-history-state/1", "tips": [');
    const corrupt = expectSameAsFull(repo);
    expect(corrupt.stderr).toMatch(/^keyguard: warning: .*history-state\.json: a corrupt or unknown keyguard history state; scanning the whole history\n$/);
    expect(expectSameAsFull(repo).stderr).toBe(''); // and the next run has a good state again

    // Someone's own file, named by a mistyped --state: scanned past, never replaced.
    const theirs = sandbox.path('notes.json');
    writeFileSync(theirs, JSON.stringify({ format: 'something-else', findings: [] }));
    for (let run = 0; run < 2; run++) {
      const other = expectSameAsFull(repo, [], ['--state', theirs]);
      expect(other.stderr).toMatch(/^keyguard: warning: .*notes\.json: not a keyguard history state, so it is left as it is \(a mistyped --state\?\); scanning the whole history without saving one\n$/);
    }
    expect(readFileSync(theirs, 'utf8')).toBe(JSON.stringify({ format: 'something-else', findings: [] }));

    const elsewhere = newRepo();
    elsewhere.commit('unrelated', { 'u.txt': 'u\n' });
    const cache = sandbox.path('ci-cache', 'state.json');
    expect(elsewhere.keyguardJson(['scan-history', '--incremental', '--state', cache]).stderr).toBe('');
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    const foreign = expectSameAsFull(repo, [], ['--state', cache]);
    expect(foreign.stderr).toMatch(/^keyguard: warning: .*state\.json: none of its commits is in this history \(another repository's state\?\); scanning the whole history\n$/);
  });

  it('scans everything again when the revisions or rules change, saying why', () => {
    const repo = newRepo();
    repo.commit('keys', { 'conf.ini': keyLine('rules') });
    expectSameAsFull(repo);
    const branch = repo.keyguardJson(['scan-history', '--incremental', '--branch', 'main']);
    expect(branch.stderr).toMatch(/^keyguard: note: .* was made by another keyguard version, rule set or choice of revisions; scanning the whole history\n$/);
    expect(branch.findings).toHaveLength(1);
    repo.git('config', 'secrets.patterns', 'conf-[0-9]+-secret');
    repo.commit('custom', { 'x.txt': 'conf-12345-secret\n' });
    expect(expectSameAsFull(repo, ['--branch', 'main']).stderr).toMatch(/another keyguard version, rule set/);
  });

  it('asks git for the history again when a ref moved without new commits (a tag, a detached HEAD)', () => {
    const repo = newRepo();
    const old = repo.commit('key', { 'a.ini': keyLine('moved') });
    repo.commit('delete it', { 'a.ini': 'gone\n' });
    repo.commit('more', { 'b.txt': 'b\n' });
    expectSameAsFull(repo);
    repo.git('tag', 'v1', old);
    expect(readNote(repo)).toEqual([0, 2]);
    repo.git('checkout', '-q', '--detach', 'HEAD~1');
    expect(expectSameAsFull(repo).findings).toMatchObject([{ commit: old, commits: 1 }]);
  });

  it('reports what .gitattributes hid from the diff (blobs read after the commits) as a full scan does', () => {
    const repo = newRepo();
    repo.commit('attributes', { '.gitattributes': '*.dat binary\n', 'keys.dat': keyLine('blob') });
    repo.commit('same key in text', { 'keys.ini': keyLine('blob') });
    expectSameAsFull(repo);
    repo.commit('another blob', { 'more.dat': pair('blob-2') });
    repo.git('checkout', '-q', '-b', 'side', 'HEAD~2');
    repo.commit('side blob', { 'keys.dat': `${keyLine('blob')}${keyLine('side')}` });
    expect(expectSameAsFull(repo).findings.map((f) => f.file).sort()).toEqual(['keys.dat', 'keys.dat', 'keys.ini', 'more.dat', 'more.dat']);
  });

  it('reads a new merge resolution, and re-reads an old one that held a key', () => {
    const repo = newRepo();
    repo.commit('base', { 'c.txt': 'base\n' });
    repo.git('checkout', '-q', '-b', 'side');
    repo.commit('side', { 'c.txt': 'side\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('main', { 'c.txt': 'main\n' });
    const resolve = (seed: string) => {
      expect(repo.tryGit('merge', '-q', 'side').code).not.toBe(0);
      repo.write('c.txt', `merged\n${keyLine(seed)}`).git('add', 'c.txt');
      repo.git('commit', '-q', '--no-edit');
      return repo.git('rev-parse', 'HEAD').trim();
    };
    const first = resolve('first-resolution');
    expect(expectSameAsFull(repo).findings).toMatchObject([{ commit: first, file: 'c.txt', line: 2 }]);
    repo.git('checkout', '-q', 'side');
    repo.commit('side again', { 'c.txt': 'side again\n' });
    repo.git('checkout', '-q', 'main');
    const second = resolve('second-resolution');
    // A merge's deleted lines are not followed, as in a full scan: the first key counts to the end.
    expect(expectSameAsFull(repo).findings).toMatchObject([
      { commit: first, commits: 3 },
      { commit: second, commits: 1 },
    ]);
    expect(readNote(repo)).toEqual([0, 2]);
  });

  it('reports the annotated tags\' messages as a full scan does, on every run', () => {
    const repo = newRepo();
    repo.commit('readme', { 'README.md': 'docs\n' });
    repo.git('tag', '-a', 'v1.0', '-m', `release\n\n${pair('tag')}`);
    // the same key twice in one message is one finding, as in a full scan
    repo.git('tag', '-a', 'v1.1', '-m', `again\n\n${keyLine('twice')}${keyLine('twice')}`);
    const first = expectSameAsFull(repo);
    expect(first.findings.map((f) => f.file)).toEqual(['(tag v1.0)', '(tag v1.0)', '(tag v1.1)']);
    expect(expectSameAsFull(repo).findings).toHaveLength(3);
    repo.git('tag', '-a', 'v1.2', '-m', `later\n\n${keyLine('later')}`);
    expect(expectSameAsFull(repo).findings).toHaveLength(4);
    // A tag moved to a message without the key: its finding goes, as in a full scan.
    repo.git('tag', '-f', '-a', 'v1.1', '-m', 'again, without the key');
    expect(expectSameAsFull(repo).findings.map((f) => f.file)).toEqual(['(tag v1.0)', '(tag v1.0)', '(tag v1.2)']);
  });

  it('reads again only the tags that held something while the refs stay as they were', () => {
    const repo = newRepo();
    repo.commit('readme', { 'README.md': 'docs\n' });
    for (let i = 0; i < 5; i++) repo.git('tag', '-a', `v0.${i}`, '-m', `release 0.${i}`);
    repo.git('tag', '-a', 'v1.0', '-m', `release\n\n${pair('tagged')}`);
    const first = expectSameAsFull(repo);
    const tagId = repo.git('rev-parse', 'v1.0').trim();
    const { tags } = JSON.parse(readFileSync(statePath(repo), 'utf8'));
    expect(tags).toEqual([[tagId, '(tag v1.0)']]);
    const recorder = gitRecorder(sandbox, 'tags-recorder');
    const again = keyguardJson(['scan-history', '--incremental'], { cwd: repo.dir, env: recorder.env(repo) });
    expect(again.findings).toEqual(first.findings);
    // no list of the tags (the refs are unchanged), one read of the tag that held the keys
    expect(recorder.commands().filter((args) => args[0] === 'for-each-ref')).toEqual([]);
    expect(recorder.commands().filter((args) => args[0] === 'cat-file')).toHaveLength(1);
    // A baseline applies at once: the tag's message is read again, not its findings.
    repo.keyguard(['baseline', 'create', '--history']);
    expect(expectSameAsFull(repo, ['--baseline', '.keyguard-baseline.json']).findings).toEqual([]);
  });

  it('scans what a shallow clone gains when it is deepened or unshallowed, beyond its old boundary', () => {
    const origin = newRepo();
    origin.commit('base', { 'README.md': 'docs\n' });
    const added = origin.commit('add config', { 'creds.ini': keyLine('beyond') });
    origin.commit('remove config', { 'creds.ini': 'nothing\n' });
    for (const n of [1, 2]) origin.commit(`work ${n}`, { 'w.txt': `${n}\n` });
    const clone = shallowClone(origin, 2);
    expect(expectSameAsFull(clone).findings).toEqual([]);
    // The commit that deleted the key becomes the boundary, read as a root: nothing yet.
    clone.git('fetch', '-q', '--deepen', '1');
    expect(expectSameAsFull(clone).findings).toEqual([]);
    // Beyond it, the key and its deletion by that old boundary commit, which is read again with its parent.
    clone.git('fetch', '-q', '--unshallow');
    const state = readFileSync(statePath(clone));
    const unshallowed = expectSameAsFull(clone);
    expect(unshallowed.findings).toMatchObject([{ commit: added, commits: 1 }]);
    expect(unshallowed.code).toBe(1);
    writeFileSync(statePath(clone), state);
    expect(readNote(clone)).toEqual([3, 0]); // base, add config, remove config; not the two work commits
    // A full clone's state now: with nothing new, git is not asked to walk the history (only to re-read the key's commit).
    const recorder = gitRecorder(sandbox, 'unshallowed-recorder');
    expect(keyguardJson(['scan-history', '--incremental'], { cwd: clone.dir, env: recorder.env(clone) }).findings).toEqual(unshallowed.findings);
    expect(recorder.commands().filter((args) => args[0] === 'rev-list')).toEqual([]);
  });

  it('reads what a clone whose boundary moved on gains, and what its new boundary commit shows', () => {
    const origin = newRepo();
    origin.commit('base', { 'README.md': 'docs\n' });
    const added = origin.commit('add config', { 'creds.ini': keyLine('boundary') });
    const work = origin.commit('work', { 'w.txt': 'w\n' });
    const clone = shallowClone(origin, 2);
    // The boundary commit is read as a root: the key in its tree looks added there, as in a full scan.
    expect(expectSameAsFull(clone).findings).toMatchObject([{ commit: added, file: 'creds.ini' }]);
    const late = origin.commit('late key', { 'late.ini': keyLine('late') });
    clone.git('fetch', '-q', '--depth', '2');
    clone.git('reset', '-q', '--hard', 'origin/main');
    // `work` is the boundary now: read again as a root, it shows the key its tree still holds.
    expect(expectSameAsFull(clone).findings).toMatchObject([
      { commit: work, file: 'creds.ini' },
      { commit: late, file: 'late.ini' },
    ]);
    clone.git('fetch', '-q', '--unshallow');
    expect(expectSameAsFull(clone).findings).toMatchObject([
      { commit: added, file: 'creds.ini' },
      { commit: late, file: 'late.ini' },
    ]);
  });

  it('scans everything when the tips reach more commits than the state covered (edited, or an excluded ref moved back)', () => {
    const repo = newRepo();
    const first = repo.commit('base', { 'README.md': 'docs\n' });
    expectSameAsFull(repo);
    const leak = repo.commit('add config', { 'creds.ini': keyLine('edited') });
    // The tips moved to HEAD by hand: they reach two commits, where the state covered one.
    const state = JSON.parse(readFileSync(statePath(repo), 'utf8'));
    writeFileSync(statePath(repo), JSON.stringify({ ...state, tips: [leak], walk: null }));
    const edited = expectSameAsFull(repo);
    expect(edited.findings).toMatchObject([{ commit: leak }]);
    expect(edited.stderr).toMatch(/^keyguard: warning: .*history-state\.json: its tips reach 2 commits, more than the 1 it covered \(an edited state, or an excluded ref moved back\?\); scanning the whole history\n$/);

    // --since-commit v1 excluded the leak; v1 moved back to before it, so the leak is in the history now.
    repo.commit('more', { 'm.txt': 'm\n' });
    repo.git('tag', 'v1', leak);
    expect(expectSameAsFull(repo, ['--since-commit', 'v1']).findings).toEqual([]);
    repo.git('tag', '-f', 'v1', first);
    const movedBack = expectSameAsFull(repo, ['--since-commit', 'v1']);
    expect(movedBack.findings).toMatchObject([{ commit: leak }]);
    expect(movedBack.stderr).toMatch(/its tips reach 2 commits, more than the 1 it covered/);
  });

  it('refuses git log arguments and --state without --incremental', () => {
    const repo = newRepo();
    repo.commit('x', { 'x.txt': 'x\n' });
    expect(repo.keyguard(['scan-history', '--incremental', '--', '--author=alice'])).toMatchObject({ code: 2, stderr: 'keyguard: --incremental takes no git log arguments (got --author=alice)\n' });
    expect(repo.keyguard(['scan-history', '--state', 'x.json'])).toMatchObject({ code: 2, stderr: 'keyguard: --state FILE goes with --incremental\n' });
  });
});
