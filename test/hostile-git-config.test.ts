import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyguardJson } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

// A user's git configuration can change what `git log -p` and `git diff` print: the scans must find the same
// secrets at the same places whatever it says, and whatever replace refs or grafts claim the commits are.

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

const key = (seed: string) => `aws_access_key_id = ${fakeKeyId(`hostile-${seed}`)}`;

/** Every setting (git 2.39) that changes what the scans' git commands print, set the hostile way. */
const HOSTILE_CONFIG: Array<[string, string]> = [
  ['log.showRoot', 'false'],
  ['log.showSignature', 'true'],
  ['log.follow', 'true'],
  ['log.decorate', 'full'],
  ['log.abbrevCommit', 'true'],
  ['log.date', 'relative'],
  ['log.mailmap', 'true'],
  ['format.pretty', 'oneline'],
  ['diff.noprefix', 'true'],
  ['diff.mnemonicPrefix', 'true'],
  ['diff.relative', 'true'],
  ['diff.external', 'true'], // the `true` command: prints nothing for every file
  ['diff.renames', 'copies'],
  ['diff.orderFile', 'no-such-order-file'],
  ['diff.suppressBlankEmpty', 'true'],
  ['diff.context', '7'],
  ['diff.interHunkContext', '20'],
  ['diff.algorithm', 'patience'],
  ['diff.indentHeuristic', 'false'],
  ['diff.submodule', 'diff'],
  ['diff.hidden.binary', 'true'],
  ['diff.hidden.textconv', 'true'],
  ['color.ui', 'always'],
  ['color.diff', 'always'],
  ['core.quotePath', 'true'],
  ['core.bigFileThreshold', '1k'],
  ['core.abbrev', '7'],
  ['core.commentChar', ';'],
  ['i18n.logOutputEncoding', 'UTF-16'],
  ['merge.conflictStyle', 'zdiff3'],
];

type Findings = Array<Record<string, unknown>>;
const places = (findings: Findings) => findings.map((f) => `${f.file}:${f.line}@${String(f.commit).slice(0, 12)} ${f.ruleId}${f.message ? ' (message)' : ''}`).sort();

describe('scans read git as it is stored, whatever the configuration says', () => {
  let repo: Repo;
  let root: string;
  let second: string;
  const run = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = repo.dir) => keyguardJson(args, { cwd, env: { ...sandbox.env, ...env } });

  beforeAll(() => {
    repo = sandbox.repo('hostile');
    const filler = Array.from({ length: 60 }, (_, i) => `line ${i} of some ordinary text\n`).join('');
    root = repo.commit('root commit', {
      'config/root.env': `${key('root')}\n`,
      'naïve dir/k.env': `${key('unicode-path')}\n`,
      'sub/big.txt': filler,
      'sub/spread.txt': filler,
    });
    second = repo.commit(`second, with a key in its message: ${fakeKeyId('hostile-message')}`, {
      // over core.bigFileThreshold: git would call it binary
      'sub/big.txt': `${filler}${key('big-file')}\n`,
      // two keys close together among unchanged lines: context and inter-hunk context would join them
      'sub/spread.txt': filler.replace('line 20 of', `${key('spread-1')}\nline 20 of`).replace('line 24 of', `${key('spread-2')}\nline 24 of`),
      '.gitattributes': '*.hidden diff=hidden\n',
      'sub/secret.hidden': `${key('driver-binary')}\n`,
    });
    // A copy of a file with a key is a new place for it; diff.renames=copies would print it as a copy.
    repo.commit('copy', { 'config/copy.env': `${key('root')}\n` });
  });

  const hostile = () => {
    for (const [name, value] of HOSTILE_CONFIG) repo.git('config', name, value);
    repo.write('.mailmap', 'Someone Else <else@example.com> Test Author <author@example.com>\n');
  };

  const clean = () => {
    for (const [name] of HOSTILE_CONFIG) repo.tryGit('config', '--unset-all', name);
    rmSync(join(repo.dir, '.mailmap'));
  };

  it('scan-history, scan-range and scan --staged find the same places under hostile settings', () => {
    const history = run(['scan-history']);
    const range = run(['scan-range', `${root}..HEAD`]);
    const fromSub = run(['scan-history'], {}, `${repo.dir}/sub`);
    expect(history.code).toBe(1);
    expect(places(history.findings)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^config/root\\.env:1@${root.slice(0, 12)} `)),
        expect.stringMatching(/^naïve dir\/k\.env:1@/),
        expect.stringMatching(/^sub\/big\.txt:61@/),
        expect.stringMatching(/^sub\/spread\.txt:21@/),
        expect.stringMatching(/^sub\/spread\.txt:26@/),
        expect.stringMatching(/^sub\/secret\.hidden:1@/),
        expect.stringMatching(/^config\/copy\.env:1@/),
        expect.stringMatching(/\(message\)$/),
      ]),
    );
    repo.write('staged.env', `${key('staged')}\n`).git('add', 'staged.env');
    const staged = run(['scan', '--staged']);
    expect(staged.findings).toHaveLength(1);
    const index = run(['scan', '--staged', '--index'], {}, `${repo.dir}/sub`);
    expect(index.findings.map((f) => f.file)).toContain('staged.env');

    hostile();
    try {
      // An outer `git -c` reaches the scans' git through GIT_CONFIG_PARAMETERS, as it reaches a hook's.
      const env = { GIT_DIFF_OPTS: '--unified=5', GIT_CONFIG_PARAMETERS: "'log.showroot=false' 'diff.noprefix=true'" };
      for (const [args, expected, cwd] of [
        [['scan-history'], history, repo.dir],
        [['scan-range', `${root}..HEAD`], range, repo.dir],
        [['scan-history'], fromSub, `${repo.dir}/sub`],
        [['scan', '--staged'], staged, repo.dir],
        [['scan', '--staged', '--index'], index, `${repo.dir}/sub`],
      ] as const) {
        const result = run([...args], env, cwd);
        expect({ args, stderr: result.stderr, code: result.code }).toEqual({ args, stderr: '', code: 1 });
        expect(places(result.findings)).toEqual(places(expected.findings));
      }
    } finally {
      clean();
      repo.git('rm', '-q', '--cached', 'staged.env');
    }
  });

  it('reads the commits themselves, not what replace refs or info/grafts put in their place', () => {
    const before = places(run(['scan-history']).findings);
    // A clean commit standing in for the root, then a graft that makes the second commit a root.
    const tree = repo.git('mktree').trim();
    const stand = repo.git('commit-tree', tree, '-m', 'nothing to see').trim();
    repo.git('replace', root, stand);
    try {
      expect(places(run(['scan-history']).findings)).toEqual(before);
    } finally {
      repo.git('replace', '-d', root);
    }
    repo.write('.git/info/grafts', `${second}\n`);
    try {
      expect(repo.git('log', '--format=%H').trim().split('\n')).not.toContain(root); // the graft works on git
      const { stderr, findings } = run(['scan-history']);
      expect(stderr).toBe('');
      expect(places(findings)).toEqual(before);
    } finally {
      rmSync(join(repo.dir, '.git/info/grafts'));
    }
  });
});

describe('the pre-push hook reads git as it is stored', () => {
  it('blocks a push of a root commit with a key under log.showRoot=false and friends', () => {
    const remote = sandbox.repo('hostile-remote', { bare: true });
    const repo = sandbox.repo('hostile-push');
    expect(repo.keyguard(['install']).code).toBe(0);
    repo.commit('root with a key', { 'keys.env': `${key('push-root')}\n` }); // --no-verify: only pre-push checks
    for (const [name, value] of HOSTILE_CONFIG) repo.git('config', name, value);
    repo.git('remote', 'add', 'origin', remote.dir);
    const { code, stderr } = repo.tryGit('push', '-q', 'origin', 'main');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/keys\.env:1/);
  });
});

describe('a repository that names a program in its configuration', () => {
  it('gets it run by no scan: core.fsmonitor, which git runs on reading the index', () => {
    const repo = sandbox.repo('fsmonitor');
    repo.commit('first', { 'README.md': 'x\n' });
    repo.commit('a key', { 'keys.env': `${key('fsmonitor')}\n` });
    repo.write('staged.env', `${key('fsmonitor-staged')}\n`).git('add', 'staged.env');
    const marker = sandbox.path('fsmonitor-ran');
    repo.git('config', 'core.fsmonitor', `touch '${marker}'; echo`);
    repo.tryGit('ls-files', '--others'); // git itself runs it
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    for (const args of [['scan'], ['scan', '--staged'], ['scan', '--index'], ['scan-history'], ['scan-range', 'HEAD~1..HEAD'], ['install']]) {
      expect(repo.keyguard(args).code, args.join(' ')).not.toBe(2);
      expect(existsSync(marker), args.join(' ')).toBe(false);
    }
  });
});
