import { afterAll, describe, expect, it } from 'vitest';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

const keyLine = (seed: string) => `aws_access_key_id = ${fakeKeyId(seed)}`;

// main: base, then a key on main after the branch point; feature: a key added then removed, a key in a
// message, and a key that stays.
const repo = sandbox.repo('range');
const base = repo.commit('base', { 'old.txt': `${keyLine('before')}\n` });
repo.git('checkout', '-q', '-b', 'feature');
const added = repo.commit('add', { 'tmp.txt': `${keyLine('removed')}\n` });
repo.commit('remove', { 'tmp.txt': 'clean\n' });
const message = repo.commit(`note ${fakeKeyId('message')}`, { 'n.txt': 'n\n' });
const stays = repo.commit('stays', { 'keep.txt': `x\n${keyLine('stays')}\n` });
repo.git('checkout', '-q', 'main');
repo.commit('main moves on', { 'main.txt': `${keyLine('main-only')}\n` });
repo.git('checkout', '-q', 'feature');

const found = (args: string[]) => {
  const { code, findings } = repo.keyguardJson(['scan-range', ...args]);
  return { code, places: findings.map((f) => `${f.file}@${String(f.commit).slice(0, 7)}`).sort() };
};

describe('scan-range', () => {
  it('scans exactly the commits of BASE..HEAD, messages included', () => {
    expect(found([`${base}..HEAD`])).toEqual({
      code: 1,
      places: [`(commit message)@${message.slice(0, 7)}`, `keep.txt@${stays.slice(0, 7)}`, `tmp.txt@${added.slice(0, 7)}`],
    });
  });

  it('--base computes the merge base, so what main gained since is not scanned', () => {
    expect(found(['--base', 'main']).places).toEqual(found([`${base}..feature`]).places);
    expect(found(['main...feature']).places).toEqual(found([`${base}..feature`]).places);
    // two dots mean what the range says: here main's new commit is not in feature either
    expect(found(['feature..main']).places).toEqual(['main.txt@' + repo.git('rev-parse', 'main').slice(0, 7)]);
  });

  it('--diff-only scans the net diff and the messages', () => {
    const { places } = found(['--base', 'main', '--diff-only']);
    expect(places.map((p) => p.split('@')[0])).toEqual(['(commit message)', 'keep.txt']);
  });

  it('is clean on a range without secrets', () => {
    expect(found([`${message}..${message}`])).toEqual({ code: 0, places: [] });
  });

  it('fails with exit 2 and the fetch-depth fix when BASE is not in the clone', () => {
    const shallow = sandbox.path('shallow');
    repo.git('clone', '-q', '--depth=1', '--branch', 'feature', `file://${repo.dir}`, shallow);
    const missing = repo.keyguard(['scan-range', `${base}..HEAD`], { cwd: shallow });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^keyguard: BASE [0-9a-f]{40} is not in this clone .*fetch-depth: 0.*git fetch --deepen=N.*git fetch origin <base>/);
    expect(missing.stderr.split('\n')).toHaveLength(2);
    expect(repo.keyguard(['scan-range', '--base', 'origin/nope'], { cwd: shallow })).toMatchObject({ code: 2 });
    expect(repo.keyguard(['scan-range', 'not-a-range'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/BASE\.\.HEAD/) });
  });
});

describe('scan-range where the two ends share no history, or the clone ends inside the range', () => {
  it('scans all of HEAD that BASE lacks when they share no history (an orphan branch, a force push)', () => {
    const unrelated = sandbox.repo('unrelated');
    const main = unrelated.commit('base', { 'a.txt': 'a\n' });
    unrelated.git('checkout', '-q', '--orphan', 'evil');
    unrelated.git('rm', '-rqf', '.');
    const evil = unrelated.commit('deploy', { 'creds.ini': `${keyLine('orphan')}\n` });
    for (const args of [['main...evil'], ['--base', 'main']]) {
      const { code, findings } = unrelated.keyguardJson(['scan-range', ...args]);
      expect(code).toBe(1);
      expect(findings.map((f) => `${f.file}@${f.commit}`)).toEqual([`creds.ini@${evil}`]);
    }
    // git merge-base answers with exit 1 and nothing at all: never an empty BASE, a range `..HEAD` of nothing
    expect(unrelated.tryGit('merge-base', main, evil)).toMatchObject({ code: 1, stdout: '' });
  });

  it('exits 2 with the fetch advice when the range reaches past a shallow clone’s depth', () => {
    // A pull request added a key and took it out, then merged its base branch: at depth 2 the clone has
    // BASE (a parent of the merge) but not the commit that added the key.
    const origin = sandbox.repo('deep-pr');
    origin.commit('one', { 'a.txt': '1\n' });
    origin.git('checkout', '-q', '-b', 'pr');
    origin.commit('add', { 'creds.ini': `${keyLine('cut-off')}\n` });
    origin.commit('remove', { 'creds.ini': 'clean\n' });
    origin.git('checkout', '-q', 'main');
    const base = origin.commit('main moves on', { 'b.txt': '2\n' });
    origin.git('checkout', '-q', 'pr');
    origin.git('merge', '-q', '--no-edit', 'main');
    const shallow = sandbox.path('shallow-pr');
    origin.git('clone', '-q', '--depth=2', '--branch', 'pr', `file://${origin.dir}`, shallow);
    const cut = origin.keyguard(['scan-range', `${base}..HEAD`], { cwd: shallow });
    expect(cut.code).toBe(2);
    expect(cut.stdout).toBe('');
    expect(cut.stderr).toMatch(/^keyguard: the range [0-9a-f]{12}\.\.[0-9a-f]{12} reaches past this shallow clone's depth .*fetch-depth: 0/);
    // the same range in the full repository finds the key that the shallow clone cannot see
    expect(origin.keyguard(['scan-range', `${base}..HEAD`]).code).toBe(1);
  });
});
