import { afterAll, describe, expect, it } from 'vitest';
import { keyguardJson } from './helpers/cli.js';
import { gitRecorder } from './helpers/git-recorder.js';
import { fakeKeyId } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;
const newRepo = () => sandbox.repo(`merges-${++repos}`);
const keyLine = (seed: string) => `aws_access_key_id = ${fakeKeyId(seed)}`;
const summary = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}@${String(f.commit).slice(0, 7)}`).sort();
const head = (repo: Repo) => repo.git('rev-parse', 'HEAD').trim();

/** A branch off main with one commit, and a commit on main after it; returns the branch's commit. */
function diverge(repo: Repo, branch: string, theirs: Record<string, string>, ours: Record<string, string>): string {
  repo.git('checkout', '-q', '-b', branch);
  const side = repo.commit(branch, theirs);
  repo.git('checkout', '-q', 'main');
  repo.commit(`main beside ${branch}`, ours);
  return side;
}

describe('scan-history on merges', () => {
  it('reports a key a clean merge adds of its own (an "evil" merge)', () => {
    const repo = newRepo();
    repo.commit('base', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    diverge(repo, 'side', { 'b.txt': 'b\nside\n' }, { 'a.txt': 'a\nmain\n' });
    repo.git('merge', '-q', '--no-commit', '--no-ff', 'side');
    repo.write('b.txt', `b\nside\n${keyLine('evil')}\n`).git('add', 'b.txt');
    repo.git('commit', '-q', '--no-edit');
    expect(summary(repo.keyguardJson(['scan-history']).findings)).toEqual([`b.txt:3@${head(repo).slice(0, 7)}`]);
  });

  it('reports a key a merge keeps from one side where that side wrote it, not at the merge', () => {
    const repo = newRepo();
    repo.commit('base', { 'c.txt': 'base\n' });
    const side = diverge(repo, 'side', { 'c.txt': `side\n${keyLine('theirs')}\n` }, { 'c.txt': 'main\n' });
    expect(repo.tryGit('merge', '-q', 'side').code).not.toBe(0);
    repo.git('checkout', '--theirs', 'c.txt');
    repo.git('add', 'c.txt');
    repo.git('commit', '-q', '--no-edit');
    expect(summary(repo.keyguardJson(['scan-history']).findings)).toEqual([`c.txt:2@${side.slice(0, 7)}`]);
  });

  it('follows a rename across a merge: the key is reported once, where it was written', () => {
    const repo = newRepo();
    repo.commit('base', { 'conf/old.ini': 'a\nb\nc\nd\ne\n' });
    repo.git('checkout', '-q', '-b', 'side');
    const side = repo.commit('key on side', { 'conf/old.ini': `a\nb\nc\nd\ne\n${keyLine('renamed')}\n` });
    repo.git('checkout', '-q', 'main');
    repo.git('mv', 'conf/old.ini', 'conf/new.ini');
    repo.commit('rename on main', { 'other.txt': 'x\n' });
    repo.git('merge', '-q', '--no-edit', 'side');
    expect(repo.git('show', 'HEAD:conf/new.ini')).toContain(fakeKeyId('renamed'));
    // a path new to one parent: this merge's diff is the one asked for with renames found
    const recorder = gitRecorder(sandbox, 'rename-recorder');
    const { findings } = keyguardJson(['scan-history'], { cwd: repo.dir, env: recorder.env(repo) });
    expect(summary(findings)).toEqual([`conf/old.ini:6@${side.slice(0, 7)}`]);
    const diffTrees = recorder.commands().filter((args) => args[0] === 'diff-tree');
    expect(diffTrees.map((args) => args.includes('-M'))).toEqual([true]);
  });

  it('asks git for no renames in the diffs of merges whose paths every parent has', () => {
    const repo = newRepo();
    repo.commit('base', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    diverge(repo, 'side', { 'b.txt': 'b\nside\n' }, { 'b.txt': 'main\nb\n' });
    repo.git('merge', '-q', '--no-edit', 'side');
    const recorder = gitRecorder(sandbox, 'plain-recorder');
    expect(keyguardJson(['scan-history'], { cwd: repo.dir, env: recorder.env(repo) }).findings).toEqual([]);
    const diffTrees = recorder.commands().filter((args) => args[0] === 'diff-tree');
    expect(diffTrees.map((args) => [args.includes('-M'), args.includes('--no-renames')])).toEqual([[false, true]]);
  });

  it('reads a UTF-16 file a merge resolution writes (git calls it binary)', () => {
    const repo = newRepo();
    const utf16 = (text: string) => Buffer.from(`\ufeff${text}`, 'utf16le');
    repo.commit('base', { 'keys.ini': utf16('[default]\r\n') });
    diverge(repo, 'side', { 'keys.ini': utf16('[side]\r\n') }, { 'keys.ini': utf16('[main]\r\n') });
    expect(repo.tryGit('merge', '-q', 'side').code).not.toBe(0);
    repo.write('keys.ini', utf16(`[merged]\r\n${keyLine('utf16')}\r\n`)).git('add', 'keys.ini');
    repo.git('commit', '-q', '--no-edit');
    expect(summary(repo.keyguardJson(['scan-history']).findings)).toEqual([`keys.ini:2@${head(repo).slice(0, 7)}`]);
  });

  it('reads every merge in a history of many, each attributed to its own (also through scan-range)', () => {
    const repo = newRepo();
    const base = repo.commit('base', { 'c.txt': 'base\n' });
    const merges: string[] = [];
    for (let i = 0; i < 12; i++) {
      diverge(repo, `b${i}`, { 'c.txt': `theirs ${i}\n` }, { 'c.txt': `ours ${i}\n` });
      expect(repo.tryGit('merge', '-q', `b${i}`).code).not.toBe(0);
      // every other resolution types a key; the others write plain text
      repo.write('c.txt', i % 2 ? `resolved ${i}\n` : `resolved ${i}\n${keyLine(`m${i}`)}\n`).git('add', 'c.txt');
      repo.git('commit', '-q', '--no-edit');
      merges.push(head(repo));
    }
    const expected = merges.filter((_, i) => i % 2 === 0).map((sha) => `c.txt:2@${sha.slice(0, 7)}`);
    expect(summary(repo.keyguardJson(['scan-history']).findings)).toEqual(expected.sort());
    expect(summary(repo.keyguardJson(['scan-range', `${base}..HEAD`]).findings)).toEqual(expected);
  });

  it('never asks git for --remerge-diff with --reverse, and runs as many gits for 12 merges as for 1', () => {
    // git 2.39 re-merges wrongly and slowly oldest-first (see merge-resolutions.ts): guarded by the arguments.
    const recorder = gitRecorder(sandbox);
    const gitsFor = (merges: number) => {
      const repo = newRepo();
      repo.commit('base', { 'c.txt': 'base\n' });
      for (let i = 0; i < merges; i++) {
        diverge(repo, `b${i}`, { 'c.txt': `theirs ${i}\n` }, { 'c.txt': `ours ${i}\n` });
        expect(repo.tryGit('merge', '-q', `b${i}`).code).not.toBe(0);
        repo.write('c.txt', `resolved ${i}\n${keyLine(`n${i}`)}\n`).git('add', 'c.txt');
        repo.git('commit', '-q', '--no-edit');
      }
      const { findings } = keyguardJson(['scan-history'], { cwd: repo.dir, env: recorder.env(repo) });
      expect(findings).toHaveLength(merges);
      return recorder.commands();
    };
    const one = gitsFor(1);
    const twelve = gitsFor(12);
    for (const args of [...one, ...twelve]) expect(args.includes('--remerge-diff') && args.includes('--reverse'), args.join(' ')).toBe(false);
    expect(twelve.length).toBe(one.length);
  });
});
