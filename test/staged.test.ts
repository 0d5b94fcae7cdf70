import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyguard } from './helpers/cli.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;
const newRepo = () => sandbox.repo(`staged-${++repos}`);
const keyLine = (seed: string) => `aws_access_key_id = ${fakeKeyId(seed)}`;
const staged = (repo: ReturnType<typeof newRepo>, extra: string[] = []) => repo.keyguardJson(['scan', '--staged', ...extra]);
const places = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}`);

describe('scan --staged', () => {
  it('reads the index, not the working tree, with new-file line numbers', () => {
    const repo = newRepo();
    repo.commit('base', { 'app.cfg': 'one\ntwo\nthree\n' });
    repo.write('app.cfg', `one\n${keyLine('index')}\ntwo\nthree\n`).git('add', 'app.cfg');
    repo.write('app.cfg', 'one\ntwo\nthree\n'); // removed only in the working copy: the commit still adds it
    const { code, findings } = staged(repo);
    expect(code).toBe(1);
    expect(findings).toMatchObject([{ file: 'app.cfg', line: 2, column: 21, source: 'staged', commit: null }]);
  });

  it('scans the first commit against the empty tree, and a pair of lines across hunks', () => {
    const repo = newRepo();
    repo.write('creds', `[default]\n${keyLine('first')}\naws_secret_access_key = ${fakeSecret('first')}\n`).git('add', 'creds');
    expect(places(staged(repo).findings).sort()).toEqual(['creds:2', 'creds:3']);
  });

  it('never reports deleted lines; deletion-only and empty commits scan nothing', () => {
    const repo = newRepo();
    repo.commit('key', { 'old.txt': `${keyLine('deleted')}\nkeep\n`, 'gone.txt': keyLine('gone') });
    repo.write('old.txt', 'keep\n').git('add', 'old.txt');
    repo.git('rm', '-q', 'gone.txt');
    expect(staged(repo)).toMatchObject({ code: 0, findings: [] });
    repo.git('commit', '-q', '-m', 'delete');
    expect(staged(repo)).toMatchObject({ code: 0, findings: [] });
  });

  it('names every path git can stage: spaces, quotes, newlines, tabs, non-ASCII', () => {
    const repo = newRepo();
    repo.commit('base', { 'README': 'x\n' });
    const names = ['with space.txt', 'quo"te.txt', 'new\nline.txt', 'tab\there.txt', 'café.txt', 'back\\slash.txt', 'dir/ünï cödé/🔑.env'];
    names.forEach((name, i) => repo.write(name, `${keyLine(`name${i}`)}\n`));
    repo.git('add', '-A');
    expect(staged(repo).findings.map((f) => f.file).sort()).toEqual([...names].sort());
  });

  it('reports a renamed file under its new name, only its changed lines', () => {
    const repo = newRepo();
    repo.commit('base', { 'old name.txt': 'a\nb\nc\nd\ne\nf\n' });
    repo.git('mv', 'old name.txt', 'nouveau nom é.txt');
    repo.write('nouveau nom é.txt', `a\nb\nc\nd\ne\nf\n${keyLine('rename')}\n`).git('add', '-A');
    expect(places(staged(repo).findings)).toEqual(['nouveau nom é.txt:7']);
  });

  it('reports a copy as the new file it is', () => {
    const repo = newRepo();
    repo.commit('base', { 'a.txt': 'x\n' });
    repo.write('a.txt', `x\n${keyLine('copy')}\n`).write('b.txt', `x\n${keyLine('copy')}\n`).git('add', '-A');
    expect(places(staged(repo).findings).sort()).toEqual(['a.txt:2', 'b.txt:2']);
  });

  it('scans a symlink turned into a file holding a key, and skips submodule pointers', () => {
    const repo = newRepo();
    repo.write('target.txt', 'x\n');
    symlinkSync('target.txt', join(repo.dir, 'link'));
    const sub = sandbox.repo(`staged-sub-${repos}`);
    sub.commit('sub', { 'f': 'x\n' });
    repo.git('add', '-A');
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'sub');
    repo.git('commit', '-q', '-m', 'link and submodule');
    rmSync(join(repo.dir, 'link'));
    repo.write('link', `${keyLine('typechange')}\n`).git('add', 'link');
    sub.commit('moved on', { 'g': 'y\n' });
    repo.git('-C', 'sub', 'pull', '-q');
    repo.git('add', 'sub');
    expect(repo.git('diff', '--cached', '--name-status')).toMatch(/^T\tlink\nM\tsub\n$/);
    expect(places(staged(repo).findings)).toEqual(['link:1']);
  });

  it('scans the text of a file with NUL bytes, and skips real binaries', () => {
    const repo = newRepo();
    repo.write('data.txt', Buffer.concat([Buffer.from('header\0\0\n'), Buffer.from(`${keyLine('nul')}\n`)]));
    repo.write('lib.so', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), Buffer.from(keyLine('elf'))]));
    repo.git('add', '-A');
    const result = staged(repo);
    expect(places(result.findings)).toEqual(['data.txt:2']);
    expect(repo.keyguard(['scan', '--staged']).stdout).toMatch(/1 binary file skipped/);
  });

  it('scans a resolved conflict and notes the paths still unmerged', () => {
    const repo = newRepo();
    repo.commit('base', { 'c.txt': 'base\n', 'd.txt': 'base\n' });
    repo.git('checkout', '-q', '-b', 'side');
    repo.commit('side', { 'c.txt': 'side\n', 'd.txt': 'side\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('main', { 'c.txt': 'main\n', 'd.txt': 'main\n' });
    expect(repo.tryGit('merge', '-q', 'side').code).not.toBe(0);
    repo.write('c.txt', `resolved\n${keyLine('conflict')}\n`).git('add', 'c.txt');
    const result = staged(repo);
    expect(places(result.findings)).toEqual(['c.txt:2']);
    expect(repo.keyguard(['scan', '--staged']).stdout).toMatch(/1 unmerged path\(s\) not scanned \(d\.txt\)/);
  });

  it('streams a very large staged file', () => {
    const repo = newRepo();
    const filler = 'const value = computeSomething(alpha, beta, "no key here at all");\n'.repeat(150_000); // ~10 MB
    repo.write('big.js', `${filler}${keyLine('big')}\n`).git('add', 'big.js');
    expect(places(staged(repo).findings)).toEqual(['big.js:150001']);
    expect(places(staged(repo, ['--index']).findings)).toEqual(['big.js:150001']);
  });

  it('honours GIT_INDEX_FILE, as during git commit -a', () => {
    const repo = newRepo();
    repo.commit('base', { 'a.txt': 'x\n' });
    repo.write('a.txt', `x\n${keyLine('temp-index')}\n`);
    expect(repo.keyguard(['scan', '--staged']).code).toBe(0); // not in the default index
    const env = { ...repo.env, GIT_INDEX_FILE: join(repo.dir, '.git', 'temporary-index') };
    execFileSync('git', ['read-tree', 'HEAD'], { cwd: repo.dir, env });
    execFileSync('git', ['add', 'a.txt'], { cwd: repo.dir, env });
    expect(keyguard(['scan', '--staged'], { cwd: repo.dir, env }).code).toBe(1);
  });

  it('--index scans whole staged files, unchanged lines included', () => {
    const repo = newRepo();
    repo.commit('base', { 'keys.txt': `${keyLine('old')}\n`, 'other.txt': `${keyLine('untouched')}\n` });
    repo.write('keys.txt', `${keyLine('old')}\nmore\n`).git('add', 'keys.txt');
    expect(places(staged(repo).findings)).toEqual([]);
    expect(places(staged(repo, ['--index']).findings)).toEqual(['keys.txt:1']);
  });
});
