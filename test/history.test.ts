import { afterAll, describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;
const newRepo = () => sandbox.repo(`history-${++repos}`);
const keyLine = (seed: string) => `aws_access_key_id = ${fakeKeyId(seed)}`;
const summary = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}@${String(f.commit).slice(0, 7)}`).sort();

describe('scan-history', () => {
  it('finds a key pair deleted in a later commit (test_keys), which scan no longer sees', () => {
    const repo = newRepo();
    repo.commit('readme', { 'README.md': 'docs\n' });
    const added = repo.commit('add keys', { 'keys/aws.txt': `[default]\n${keyLine('pair')}\naws_secret_access_key = ${fakeSecret('pair')}\n` });
    repo.git('rm', '-q', 'keys/aws.txt');
    repo.commit('remove keys');
    expect(repo.keyguardJson(['scan'])).toMatchObject({ code: 0, findings: [] });
    const { code, findings } = repo.keyguardJson(['scan-history']);
    expect(code).toBe(1);
    expect(summary(findings)).toEqual([`keys/aws.txt:2@${added.slice(0, 7)}`, `keys/aws.txt:3@${added.slice(0, 7)}`]);
    expect(findings[0]).toMatchObject({ author: 'Test Author', email: 'author@example.com', source: 'history', commits: 1 });
    expect(findings[0].date).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('reports a secret once per place, at its first commit, with the commits it survived', () => {
    const repo = newRepo();
    const first = repo.commit('add', { 'conf.ini': `a\n${keyLine('survive')}\n` });
    repo.commit('edit around it', { 'conf.ini': `a\nb\n${keyLine('survive')}\n` }); // line moved: same place
    repo.commit('other file', { 'x.txt': 'x\n' });
    repo.commit('remove', { 'conf.ini': 'a\nb\n' });
    repo.commit('later', { 'y.txt': 'y\n' });
    repo.commit('re-add', { 'conf.ini': `a\nb\n${keyLine('survive')}\n` });
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(findings).toHaveLength(1);
    // commits 1-3 carried it, then 6 again (to the end of history)
    expect(findings[0]).toMatchObject({ file: 'conf.ini', line: 2, commit: first, commits: 4 });
  });

  it('counts a line moved within its file as still there, whichever comes first in the diff', () => {
    const repo = newRepo();
    // far enough apart that git prints the addition and the deletion as hunks of their own
    const filler = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const file = (lines: string[]) => `${lines.join('\n')}\n`;
    const first = repo.commit('add', { 'conf.ini': file([...filler, keyLine('moved')]) });
    repo.commit('move it up', { 'conf.ini': file([keyLine('moved'), ...filler]) }); // added above, deleted below
    repo.commit('move it down', { 'conf.ini': file([...filler, keyLine('moved')]) }); // deleted above, added below
    repo.commit('later', { 'y.txt': 'y\n' });
    expect(repo.keyguardJson(['scan-history']).findings).toMatchObject([{ file: 'conf.ini', line: 31, commit: first, commits: 4 }]);
    expect(repo.keyguardJson(['scan-history', '--incremental']).findings).toMatchObject([{ commits: 4 }]);
  });

  it('ends the count when the file is deleted whole (git prints no lines for it)', () => {
    const repo = newRepo();
    const first = repo.commit('add', { 'my keys.ini': `${keyLine('whole')}\n` });
    repo.commit('other file', { 'x.txt': 'x\n' });
    repo.git('rm', '-q', 'my keys.ini');
    repo.commit('remove');
    repo.commit('later', { 'y.txt': 'y\n' });
    expect(repo.keyguardJson(['scan-history']).findings).toMatchObject([{ file: 'my keys.ini', commit: first, commits: 2 }]);
  });

  it('stops git and exits 2 when the allowlist cannot be read, though git started first', () => {
    const repo = newRepo();
    repo.commit('add', { 'a.txt': `${keyLine('policy')}\n` });
    repo.write('.keyguardallow', 'not-an-entry\n');
    const { code, stderr } = repo.keyguard(['scan-history']);
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^keyguard: \.keyguardallow:1: /);
  });

  it('scans commit messages', () => {
    const repo = newRepo();
    const sha = repo.commit(`Fix deploy\n\nused ${fakeKeyId('msg')} for now`, { 'a.txt': 'a\n' });
    expect(repo.keyguardJson(['scan-history']).findings).toMatchObject([{ file: '(commit message)', line: 3, message: true, commit: sha }]);
  });

  it('scans what a merge resolution added, not what the merge brought over', () => {
    const repo = newRepo();
    repo.commit('base', { 'c.txt': 'base\n' });
    repo.git('checkout', '-q', '-b', 'side');
    const side = repo.commit('side', { 'c.txt': 'side\n', 's.txt': `${keyLine('side')}\n` });
    repo.git('checkout', '-q', 'main');
    repo.commit('main', { 'c.txt': 'main\n' });
    expect(repo.tryGit('merge', '-q', 'side').code).not.toBe(0);
    repo.write('c.txt', `merged\n${keyLine('resolution')}\n`).git('add', 'c.txt');
    repo.git('commit', '-q', '--no-edit');
    const merge = repo.git('rev-parse', 'HEAD').trim();
    expect(summary(repo.keyguardJson(['scan-history']).findings)).toEqual([`c.txt:2@${merge.slice(0, 7)}`, `s.txt:1@${side.slice(0, 7)}`]);
  });

  it('attributes each of several merge resolutions to its own merge', () => {
    const repo = newRepo();
    repo.commit('base', { 'c.txt': 'base\n' });
    // A conflicted merge resolved with a key, a clean merge, and a second conflicted merge with another key.
    const conflicted = (branch: string, seed: string) => {
      repo.git('checkout', '-q', '-b', branch);
      repo.commit(branch, { 'c.txt': `${branch}\n` });
      repo.git('checkout', '-q', 'main');
      repo.commit(`main before ${branch}`, { 'c.txt': `main ${branch}\n` });
      expect(repo.tryGit('merge', '-q', branch).code).not.toBe(0);
      repo.write('c.txt', `merged ${branch}\n${keyLine(seed)}\n`).git('add', 'c.txt');
      repo.git('commit', '-q', '--no-edit');
      return repo.git('rev-parse', 'HEAD').trim();
    };
    const first = conflicted('one', 'merge-one');
    repo.git('checkout', '-q', '-b', 'clean');
    repo.commit('clean', { 'other.txt': 'other\n' });
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-edit', '--no-ff', 'clean');
    const second = conflicted('two', 'merge-two');
    const findings = repo.keyguardJson(['scan-history']).findings;
    const masked = (seed: string) => `${fakeKeyId(seed).slice(0, 4)}${'*'.repeat(12)}${fakeKeyId(seed).slice(-4)}`;
    expect(findings.map((f) => `${f.match === masked('merge-one') ? 'one' : 'two'}@${String(f.commit).slice(0, 7)}`).sort()).toEqual([
      `one@${first.slice(0, 7)}`,
      `two@${second.slice(0, 7)}`,
    ]);
  });

  it('applies the configured git-secrets patterns to merge resolutions too', () => {
    const repo = newRepo();
    repo.git('config', '--add', 'secrets.patterns', 'corp-[0-9]{6}');
    repo.commit('base', { 'c.txt': 'base\n' });
    repo.git('checkout', '-q', '-b', 'side');
    repo.commit('side', { 'c.txt': 'side\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('main', { 'c.txt': 'main\n' });
    expect(repo.tryGit('merge', '-q', 'side').code).not.toBe(0);
    repo.write('c.txt', 'merged\ncorp-918273\n').git('add', 'c.txt');
    repo.git('commit', '-q', '--no-edit');
    const merge = repo.git('rev-parse', 'HEAD').trim();
    expect(summary(repo.keyguardJson(['scan-history']).findings)).toEqual([`c.txt:2@${merge.slice(0, 7)}`]);
  });

  it('scans all refs by default; --branch, --since-commit and git log options narrow it', () => {
    const repo = newRepo();
    const base = repo.commit('base', { 'a.txt': `${keyLine('old')}\n` });
    repo.commit('newer', { 'b.txt': `${keyLine('new')}\n` });
    repo.git('checkout', '-q', '-b', 'unmerged');
    repo.commit('wip', { 'c.txt': `${keyLine('branch')}\n` });
    repo.git('checkout', '-q', 'main');
    // --format before the arguments that go to git log
    const files = (args: string[]) => (JSON.parse(repo.keyguard(['scan-history', '--format', 'json', ...args]).stdout) as Array<{ file: string }>).map((f) => f.file).sort();
    expect(files([])).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(files(['--branch', 'main'])).toEqual(['a.txt', 'b.txt']);
    expect(files(['--branch', 'main', '--since-commit', base])).toEqual(['b.txt']);
    expect(files(['--', '--grep=wip'])).toEqual(['c.txt']);
    expect(files(['--', '--', 'b.txt'])).toEqual(['b.txt']);
  });

  it('handles names with spaces, quotes and non-ASCII, renames and binaries in history', () => {
    const repo = newRepo();
    repo.commit('odd names', { 'dir/café "quoted".txt': `${keyLine('odd')}\n`, 'bin.so': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]) });
    repo.git('mv', 'dir/café "quoted".txt', 'renamed é.txt');
    repo.commit('rename');
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(findings.map((f) => f.file)).toEqual(['dir/café "quoted".txt']); // a rename adds no line
    expect(repo.keyguard(['scan-history']).stdout).toMatch(/1 binary file skipped/);
  });

  it('reads a file that .gitattributes makes look binary (git-secrets and git log -p pass it)', () => {
    const repo = newRepo();
    const commit = repo.commit('hide a key behind -diff', { '.gitattributes': 'config.ini -diff\n', 'config.ini': `${keyLine('attr')}\n`, 'real.so': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]) });
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(summary(findings)).toEqual([`config.ini:1@${commit.slice(0, 7)}`]);
    expect(repo.keyguard(['scan-history']).stdout).toMatch(/1 binary file skipped/);
  });

  it('says an empty repository is clean', () => {
    const repo = newRepo();
    const result = repo.keyguard(['scan-history']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/empty repository/);
    expect(result.stderr).toBe(''); // no progress line outside a terminal
  });

  it('works in a shallow clone (and says so), a bare clone, a detached HEAD and a linked worktree', () => {
    const repo = newRepo();
    repo.commit('one', { 'a.txt': `${keyLine('one')}\n` });
    repo.commit('two', { 'b.txt': `${keyLine('two')}\n` });
    const third = repo.commit('three', { 'c.txt': 'c\n' });
    const shallow = sandbox.path('shallow');
    repo.git('clone', '-q', '--depth=1', `file://${repo.dir}`, shallow);
    const shallowRun = repo.keyguard(['scan-history'], { cwd: shallow });
    expect(shallowRun.stdout).toMatch(/shallow clone/);
    expect(shallowRun.stdout).toMatch(/found in history/);

    const bare = sandbox.path('bare.git');
    repo.git('clone', '-q', '--bare', repo.dir, bare);
    expect(repo.keyguardJson(['scan-history'], { cwd: bare }).findings).toHaveLength(2);

    repo.git('checkout', '-q', '--detach', third);
    expect(repo.keyguardJson(['scan-history']).findings).toHaveLength(2);

    const worktree = sandbox.path('linked');
    repo.git('worktree', 'add', '-q', worktree, 'main');
    expect(repo.keyguardJson(['scan-history'], { cwd: worktree }).findings).toHaveLength(2);
  });
});
