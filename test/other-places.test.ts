// Keys in places that are not file contents: a symlink's target, a file's name, an annotated tag's message,
// a commit message past a NUL byte. Real git throughout: commits fire the installed hooks, pushes go to a
// local bare remote.
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wholeObjects } from '../src/git/blobs.js';
import { EXAMPLE_KEY_ID, fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;
/** A repository with a first commit and keyguard's hooks installed. */
function guarded(): Repo {
  const repo = sandbox.repo(`places-${++repos}`);
  repo.commit('first', { 'README.md': '# project\n' });
  expect(repo.keyguard(['install']).code).toBe(0);
  return repo;
}
const places = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}:${f.column}${f.name ? ' (name)' : ''}`).sort();

/** A commit whose message holds a NUL byte, written as `git commit` will not: returns its id (HEAD moves to it). */
function commitWithNul(repo: Repo, message: Buffer): string {
  const tree = repo.git('write-tree').trim();
  const head = repo.git('rev-parse', 'HEAD').trim();
  const header = `tree ${tree}\nparent ${head}\nauthor Test Author <author@example.com> 1700000000 +0100\ncommitter Test Author <author@example.com> 1700000000 +0100\n\n`;
  const path = join(repo.dir, '.git', 'raw-commit');
  repo.write('.git/raw-commit', Buffer.concat([Buffer.from(header), message]));
  const id = repo.git('hash-object', '-t', 'commit', '-w', path).trim();
  repo.git('update-ref', 'HEAD', id);
  return id;
}

describe('symlink targets', () => {
  it('are scanned in the tree, by the pre-commit hook and in history', () => {
    const repo = guarded();
    symlinkSync(fakeKeyId('link'), join(repo.dir, 'creds'));
    symlinkSync('README.md', join(repo.dir, 'readme-link')); // a plain target: nothing
    symlinkSync(EXAMPLE_KEY_ID, join(repo.dir, 'example')); // AWS's documented example: nothing
    expect(places(repo.keyguardJson(['scan']).findings)).toEqual(['creds:1:1']);
    repo.git('add', '-A');
    const blocked = repo.tryGit('commit', '-q', '-m', 'links');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('creds:1');
    expect(places(repo.keyguardJson(['scan', '--staged', '--index']).findings)).toEqual(['creds:1:1']);
    repo.git('commit', '-q', '--no-verify', '-m', 'links');
    expect(places(repo.keyguardJson(['scan-history']).findings)).toEqual(['creds:1:1']);
  });
});

describe('file names', () => {
  it('are scanned in the tree, by the pre-commit hook, and in history when a file is added or renamed', () => {
    const repo = guarded();
    const key = fakeKeyId('name');
    repo.write(`keys/${key}.json`, '{}\n');
    // hard negatives: a hash, a UUID and the documented example key as names
    repo.write('cache/2fd4e1c67a2d28fced849ee1bb76e7391b93eb12.json', '{}\n');
    repo.write('ids/3f2504e0-4f89-11d3-9a0c-0305e82c3301.txt', 'x\n');
    repo.write(`docs/${EXAMPLE_KEY_ID}.md`, 'x\n');
    expect(places(repo.keyguardJson(['scan']).findings)).toEqual(['keys/' + key + '.json:1:6 (name)']);
    repo.git('add', '-A');
    const blocked = repo.tryGit('commit', '-q', '-m', 'add files');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain(`(in its name, column 6)`);
    const added = repo.commit('add files'); // --no-verify
    repo.git('mv', `keys/${key}.json`, `${key}.json`);
    const renamed = repo.commit('move it');
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(findings.map((f) => `${f.file}@${f.commit}`).sort()).toEqual([`keys/${key}.json@${added}`, `${key}.json@${renamed}`].sort());
    expect(findings.every((f) => f.name === true)).toBe(true);
  });
});

describe('annotated tag messages', () => {
  function withRemote(): Repo {
    const repo = guarded();
    const remote = sandbox.repo(`places-remote-${repos}.git`, { bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.git('push', '-q', '-u', 'origin', 'main');
    return repo;
  }

  it('are scanned by scan-history (all refs) and by the pre-push hook when pushing tags', () => {
    const repo = withRemote();
    repo.git('tag', '-a', 'v1.0', '-m', `release\n\naws_access_key_id = ${fakeKeyId('tag')}\naws_secret_access_key = ${fakeSecret('tag')}\n`);
    repo.git('tag', '-a', 'v0.9', '-m', `docs use ${EXAMPLE_KEY_ID}`); // hard negative
    repo.git('tag', 'light'); // a lightweight tag has no message
    const tagId = repo.git('rev-parse', 'v1.0').trim();
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(places(findings)).toEqual(['(tag v1.0):3:21', '(tag v1.0):4:25']);
    expect(findings[0]).toMatchObject({ commit: tagId, message: true, author: 'Test Author' });
    // --branch reads one branch's commits, not the tags
    expect(repo.keyguardJson(['scan-history', '--branch', 'main']).findings).toEqual([]);
    const blocked = repo.tryGit('push', 'origin', 'v1.0');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('(tag v1.0):3');
    expect(repo.git('ls-remote', '--tags', 'origin')).toBe('');
    expect(repo.tryGit('push', '-q', 'origin', 'v0.9').code).toBe(0);
  });
});

describe('commit messages past a NUL byte', () => {
  it('are read from the commit object (git log stops at the NUL) in scan-history, scan-range and ci', () => {
    const repo = guarded();
    const base = repo.git('rev-parse', 'HEAD').trim();
    const before = fakeKeyId('before-nul');
    const id = commitWithNul(repo, Buffer.from(`fix\n\nkey ${before}\0 then\naws_access_key_id = ${fakeKeyId('nul-message')}\n`));
    // a hard negative past a NUL: the documented example key
    commitWithNul(repo, Buffer.from(`docs\n\n\0aws_access_key_id = ${EXAMPLE_KEY_ID}\n`));
    const want = ['(commit message):3:5', '(commit message):4:21'];
    const history = repo.keyguardJson(['scan-history']);
    expect(places(history.findings)).toEqual(want);
    expect(history.findings.every((f) => f.commit === id && f.date === '2023-11-14T23:13:20+01:00')).toBe(true);
    expect(places(repo.keyguardJson(['scan-range', `${base}..HEAD`]).findings)).toEqual(want);
    // ci reports each once: the key before the NUL came through git log, the one after it from the object
    expect(places(repo.keyguardJson(['ci', '--base', base]).findings)).toEqual(want);
  });

  it('are told apart among many commits, whatever chunk of git\'s output holds them', () => {
    // 60 commits with 4 KB messages: cat-file's output runs to several chunks, cut inside headers and objects
    const repo = guarded();
    const filler = 'x'.repeat(4000);
    const withNul: string[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 17 === 3) withNul.push(commitWithNul(repo, Buffer.from(`n${i}\n\n${filler}\0aws_access_key_id = ${fakeKeyId(`chunk-${i}`)}\n`)));
      else repo.git('commit', '-q', '--no-verify', '--allow-empty', '-m', `c${i}\n\n${filler}`);
    }
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(findings.map((f) => f.commit).sort()).toEqual([...withNul].sort());
  });

  it('are read whole from cat-file output cut at any byte, a header or an object split across chunks', async () => {
    const repo = guarded();
    repo.git('commit', '-q', '--no-verify', '--allow-empty', '-m', 'plain');
    const nul = commitWithNul(repo, Buffer.from('a\0b\n'));
    const ids = repo.git('rev-list', 'HEAD');
    const output = execFileSync('git', ['cat-file', '--batch'], { cwd: repo.dir, env: repo.env, input: ids });
    const bodies = ids.trim().split('\n').map((id) => execFileSync('git', ['cat-file', 'commit', id], { cwd: repo.dir, env: repo.env }));
    async function* cutAt(at: number) {
      yield output.subarray(0, at);
      yield output.subarray(at);
    }
    for (let at = 0; at <= output.length; at++) {
      const objects = [];
      for await (const batch of wholeObjects(cutAt(at))) objects.push(...batch);
      expect(objects.map((object) => object.id)).toEqual(ids.trim().split('\n'));
      expect(objects.filter((object) => object.bytes.includes(0)).map((object) => object.id)).toEqual([nul]);
      expect(objects.map((object) => object.bytes)).toEqual(bodies);
    }
  });
});
