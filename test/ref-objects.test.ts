// Refs that name something other than a commit: a lightweight tag of a blob or a tree, an annotated tag of a
// blob (or of another tag), an annotated tag kept outside refs/tags. git log walks none of them, and `git push`
// sends them all. Real git throughout: pushes go to a local bare remote and fire the installed pre-push hook.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { keyguard, keyguardJson } from './helpers/cli.js';
import { gitRecorder } from './helpers/git-recorder.js';
import { EXAMPLE_KEY_ID, fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;
/** A repository with a first commit pushed to a bare remote, and keyguard's hooks installed. */
function guarded(): { repo: Repo; remote: Repo } {
  const repo = sandbox.repo(`refs-${++repos}`);
  repo.commit('first', { 'README.md': '# project\n' });
  expect(repo.keyguard(['install']).code).toBe(0);
  const remote = sandbox.repo(`refs-remote-${repos}.git`, { bare: true });
  repo.git('remote', 'add', 'origin', remote.dir);
  repo.git('push', '-q', '-u', 'origin', 'main');
  return { repo, remote };
}

const credentials = (seed: string) => `[default]\naws_access_key_id = ${fakeKeyId(seed)}\naws_secret_access_key = ${fakeSecret(seed)}\n`;

/** Writes `content` as a blob (no commit holds it) and returns its id. */
const blob = (repo: Repo, content: string): string => gitWith(repo, ['hash-object', '-w', '--stdin'], content);

/** A tree of these files (name → blob id) and returns its id. */
const mktree = (repo: Repo, entries: Record<string, string>): string =>
  gitWith(repo, ['mktree'], Object.entries(entries).map(([name, id]) => `100644 blob ${id}\t${name}\n`).join(''));

function gitWith(repo: Repo, args: string[], input: string): string {
  return execFileSync('git', args, { cwd: repo.dir, env: repo.env, input, encoding: 'utf8' }).trim();
}

/** The files a JSON report's findings name. */
const found = (result: { stdout: string }) => files(JSON.parse(result.stdout));
const files = (findings: Array<Record<string, unknown>>) => [...new Set(findings.map((f) => String(f.file)))].sort();

describe('refs that name a blob, a tree or a tag of one', () => {
  it('are read by scan-history (all refs, --tags) in the clone and in the bare remote', () => {
    const { repo, remote } = guarded();
    const key = blob(repo, credentials('blob'));
    repo.git('tag', 'creds-blob', key);
    repo.git('tag', '-a', '-m', 'backup', 'creds-annotated', key);
    repo.git('tag', 'creds-tree', mktree(repo, { credentials: blob(repo, credentials('tree')), 'example.txt': blob(repo, `id = ${EXAMPLE_KEY_ID}\n`) }));
    repo.git('tag', '-a', '-m', 'inner', 'inner', blob(repo, credentials('nested')));
    repo.git('tag', '-a', '-m', 'outer', 'nested', 'inner');
    repo.git('tag', '-d', 'inner');
    repo.git('tag', '-a', '-m', `notes; temp key ${fakeKeyId('release')}`, 'kept');
    repo.git('update-ref', 'refs/release/t3', 'kept');
    repo.git('tag', '-d', 'kept');
    repo.git('tag', 'docs', blob(repo, `aws_access_key_id = ${EXAMPLE_KEY_ID}\n`)); // hard negative
    const want = ['(ref refs/release/t3)', '(tag creds-annotated)', '(tag creds-blob)', '(tag creds-tree)/credentials', '(tag nested)'];
    const history = repo.keyguardJson(['scan-history']);
    expect(history.code).toBe(1);
    expect(files(history.findings)).toEqual(want);
    // the blob a ref names is the commit findings give; an annotated tag's own id and tagger
    expect(history.findings.find((f) => f.file === '(tag creds-blob)')).toMatchObject({ commit: key, line: 2 });
    expect(history.findings.find((f) => f.file === '(tag nested)')).toMatchObject({ commit: repo.git('rev-parse', 'nested').trim(), author: 'Test Author' });
    // git log's --tags: the refs under refs/tags only
    const tags = repo.keyguard(['scan-history', '--format', 'json', '--branch', 'main', '--', '--tags']);
    expect(files(JSON.parse(tags.stdout))).toEqual(want.filter((file) => file.startsWith('(tag')));
    expect(repo.keyguardJson(['scan-history', '--branch', 'main']).findings).toEqual([]);
    // what the remote holds once they got past a hook-less push
    repo.git('push', '-q', '--no-verify', 'origin', '--tags', 'refs/release/t3');
    expect(files(remote.keyguardJson(['scan-history']).findings)).toEqual(want);
  });

  it('are reported on every run of an incremental scan, as a full scan reports them', () => {
    const { repo } = guarded();
    repo.git('tag', 'creds-tree', mktree(repo, { credentials: blob(repo, credentials('incremental')) }));
    repo.git('tag', '-a', '-m', 'backup', 'creds-annotated', blob(repo, credentials('incremental-blob')));
    const full = files(repo.keyguardJson(['scan-history']).findings);
    expect(full).toEqual(['(tag creds-annotated)', '(tag creds-tree)/credentials']);
    expect(files(repo.keyguardJson(['scan-history', '--incremental']).findings)).toEqual(full);
    // the refs unchanged: only those that held something are read again
    expect(files(repo.keyguardJson(['scan-history', '--incremental']).findings)).toEqual(full);
  });

  it('are blocked by the pre-push hook whatever the ref is called, pushed by name or by object id', () => {
    const { repo, remote } = guarded();
    const key = blob(repo, credentials('push-blob'));
    repo.git('tag', 'creds-blob', key);
    repo.git('tag', '-a', '-m', 'backup', 'creds-annotated', key);
    repo.git('tag', 'creds-tree', mktree(repo, { credentials: blob(repo, credentials('push-tree')) }));
    repo.git('tag', '-a', '-m', `release notes; temp key ${fakeKeyId('by-id')}`, 't2');
    repo.git('tag', '-a', '-m', `release notes; temp key ${fakeKeyId('release')}`, 't3');
    repo.git('update-ref', 'refs/release/t3', 't3');
    repo.git('tag', '-d', 't3');
    repo.git('tag', '-a', '-m', 'inner', 'inner', blob(repo, credentials('push-nested')));
    repo.git('tag', '-a', '-m', 'outer', 'nested', 'inner');
    const pushes: Array<[string[], string]> = [
      [['refs/tags/creds-blob'], '(tag creds-blob):2'],
      [['refs/tags/creds-annotated'], '(tag creds-annotated):2'],
      [['refs/tags/creds-tree'], '(tag creds-tree)/credentials:2'],
      [[`${repo.git('rev-parse', 't2').trim()}:refs/tags/t2`], '(tag t2):1'],
      [['refs/release/t3:refs/tags/t3'], '(tag t3):1'],
      [[`${key}:refs/tags/blob`], '(tag blob):2'],
      [['refs/tags/nested'], '(tag nested):2'],
    ];
    for (const [args, place] of pushes) {
      const blocked = repo.tryGit('push', 'origin', ...args);
      expect(blocked.code, args.join(' ')).not.toBe(0);
      expect(blocked.stderr).toContain(place);
      expect(blocked.stderr).toContain('git tag -d');
    }
    expect(remote.git('for-each-ref', 'refs/tags')).toBe('');
    // the documented example key in a blob passes
    repo.git('tag', 'docs', blob(repo, `aws_access_key_id = ${EXAMPLE_KEY_ID}\n`));
    expect(repo.tryGit('push', '-q', 'origin', 'refs/tags/docs').code).toBe(0);
  });

  it('cost no git of their own in a repository whose tags all name commits, and report nothing there', () => {
    const { repo } = guarded();
    repo.commit('second', { 'a.txt': 'a\n' });
    repo.git('tag', 'light');
    repo.git('tag', '-a', '-m', 'release 1', 'v1');
    const recorder = gitRecorder(sandbox, 'clean');
    const scan = keyguardJson(['scan-history'], { cwd: repo.dir, env: recorder.env(repo) });
    expect(scan.findings).toEqual([]);
    const commands = recorder.commands();
    expect(commands.filter(([name, format]) => name === 'for-each-ref' && format !== '--count=1')).toHaveLength(1);
    expect(commands.filter(([name]) => name === 'ls-tree')).toEqual([]);
    expect(commands.filter((args) => args.join(' ').startsWith('cat-file --batch-check'))).toEqual([]);
    // the pre-push hook (git puts its own directory first on the hook's PATH: GIT_TRACE sees its gits) asks
    // one git what every pushed object is, and reads no blob or tree
    const trace = sandbox.path('push-trace');
    execFileSync('git', ['push', '-q', 'origin', 'main', 'light', 'v1'], { cwd: repo.dir, env: { ...repo.env, GIT_TRACE: trace }, stdio: 'pipe' });
    const pushed = readFileSync(trace, 'utf8').split('\n').filter((line) => line.includes('trace: built-in: git '));
    expect(pushed.filter((line) => line.includes('--batch-check'))).toHaveLength(1);
    expect(pushed.filter((line) => line.includes(' ls-tree '))).toEqual([]);
    expect(pushed.filter((line) => line.includes(' cat-file ')).length).toBeGreaterThan(0);
  });
});

describe('keyguard ci on a GitHub push of a tag', () => {
  /** A clone whose origin/main is the remote's first commit, and `keyguard ci` run on a push event of `ref`. */
  function pushedClone(): { clone: Repo; gate: (ref: string, object: string, format?: string) => ReturnType<typeof keyguard> } {
    const { remote } = guarded();
    const clone = sandbox.repo(`refs-clone-${repos}`);
    clone.git('remote', 'add', 'origin', remote.dir);
    clone.git('fetch', '-q', 'origin');
    clone.git('checkout', '-q', '-b', 'main', 'origin/main');
    const gate = (ref: string, object: string, format = 'json') => {
      const event = sandbox.path(`push-${repos}-${ref.replace(/\W/g, '-')}.json`);
      writeFileSync(event, JSON.stringify({ before: '0'.repeat(40), after: object, ref, created: true, repository: { default_branch: 'main' } }));
      const env = { ...clone.env, GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event };
      return keyguard(['ci', '--format', format], { cwd: clone.dir, env });
    };
    return { clone, gate };
  }

  it('scans an annotated tag\'s message and what a tag names, and calls it a tag', () => {
    const { clone, gate } = pushedClone();
    clone.git('tag', '-a', 'v1.0', '-m', `release; deploy key ${fakeKeyId('ci-tag')}`);
    const tagId = clone.git('rev-parse', 'v1.0').trim();
    const annotated = gate('refs/tags/v1.0', tagId);
    expect(annotated.code).toBe(1);
    expect(found(annotated)).toEqual(['(tag v1.0)']);
    const summary = gate('refs/tags/v1.0', tagId, 'text').stdout;
    expect(summary).toContain('in GitHub push of new tag v1.0 (');
    expect(summary).not.toContain('branch');
    // a tag of a blob brings no commit: the blob is all there is to scan
    const key = blob(clone, credentials('ci-blob'));
    clone.git('tag', '-a', '-m', 'backup', 'creds', key);
    expect(found(gate('refs/tags/creds', clone.git('rev-parse', 'creds').trim()))).toEqual(['(tag creds)']);
    expect(found(gate('refs/tags/raw', key))).toEqual(['(tag raw)']);
    // hard negatives: a lightweight tag and a clean annotated one on a commit
    clone.git('tag', 'light');
    clone.git('tag', '-a', '-m', `docs use ${EXAMPLE_KEY_ID}`, 'v0.9');
    for (const tag of ['light', 'v0.9']) {
      const clean = gate(`refs/tags/${tag}`, clone.git('rev-parse', tag).trim());
      expect([clean.code, found(clean)]).toEqual([0, []]);
    }
  });
});

describe('keyguard ci in a GitLab tag pipeline', () => {
  it('scans the tag\'s message and what the tag brings, and calls it a tag', () => {
    const { remote } = guarded();
    const clone = sandbox.repo(`refs-gitlab-${repos}`);
    clone.git('remote', 'add', 'origin', remote.dir);
    clone.git('fetch', '-q', 'origin');
    clone.git('checkout', '-q', '-b', 'main', 'origin/main');
    const gate = (tag: string, format = 'json') => {
      const env = { ...clone.env, GITLAB_CI: 'true', CI_COMMIT_TAG: tag, CI_COMMIT_BEFORE_SHA: '0'.repeat(40), CI_COMMIT_SHA: clone.git('rev-parse', `${tag}^{commit}`).trim(), CI_DEFAULT_BRANCH: 'main' };
      return keyguard(['ci', '--format', format], { cwd: clone.dir, env });
    };
    clone.git('tag', '-a', 'v2.0', '-m', `release; deploy key ${fakeKeyId('gitlab-tag')}`);
    const tagged = gate('v2.0');
    expect(tagged.code).toBe(1);
    expect(found(tagged)).toEqual(['(tag v2.0)']);
    expect(gate('v2.0', 'text').stdout).toContain('in GitLab pipeline of new tag v2.0 (');
    // hard negatives: a clean annotated tag and a lightweight one, on commits the default branch has
    clone.git('tag', '-a', '-m', `docs use ${EXAMPLE_KEY_ID}`, 'v1.9');
    clone.git('tag', 'light');
    expect(gate('v1.9').code).toBe(0);
    expect(gate('light').code).toBe(0);
  });
});
