// Hooks that git stopped running after keyguard installed them: husky (the real husky 9 from node_modules)
// or a config setting core.hooksPath, a hooks directory replaced. `keyguard install --check` says so hook by
// hook, the scans warn, and running install again puts keyguard where git looks now.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { gitRecorder } from './helpers/git-recorder.js';
import { OWN_HOOK, keyguardProject, runPackage } from './helpers/husky.js';
import { fakeKeyId } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const HOOKS = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'pre-push'];
const id = fakeKeyId('lost-hooks');

let sandbox: Sandbox;
let count = 0;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

/** A husky project: keyguard in node_modules/.bin (as a devDependency puts it), husky's own pre-commit, not set up yet. */
const project = (): Repo => keyguardProject(sandbox, `project-${++count}`);

/** What `npm install` does through the "prepare": "husky" script: core.hooksPath=.husky/_, and husky's files there. */
function husky(repo: Repo, cwd = repo.dir): void {
  const result = runPackage(repo, 'husky/bin.js', [], cwd);
  expect(result.code, result.stderr).toBe(0);
}

function check(repo: Repo, cwd = repo.dir) {
  const result = repo.keyguard(['install', '--check'], { cwd });
  const lines = result.stdout.split('\n').filter(Boolean);
  return { ...result, lines, hooks: Object.fromEntries(HOOKS.map((name) => [name, lines.find((line) => line.startsWith(`keyguard: ${name}: `))])) };
}

function expectAllRun(repo: Repo, cwd = repo.dir) {
  const result = check(repo, cwd);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  for (const name of HOOKS) expect(result.hooks[name]).toMatch(new RegExp(`^keyguard: ${name}: keyguard runs: `));
  return result;
}

/** Stages a generated key and commits it; returns the commit's result. A blocked key is taken away again. */
function commitKey(repo: Repo) {
  repo.write('deploy.env', `AWS_ACCESS_KEY_ID=${id}\n`).git('add', 'deploy.env');
  const result = repo.tryGit('commit', '-m', 'deploy');
  if (result.code !== 0) repo.git('rm', '-q', '-f', 'deploy.env');
  return result;
}

describe('keyguard install --check', () => {
  it('passes right after an install: in .git/hooks, from a subdirectory, and in a linked worktree', () => {
    const repo = project();
    expect(repo.keyguard(['install']).code).toBe(0);
    const { lines } = expectAllRun(repo);
    expect(lines[0]).toBe("keyguard: git reads this repository's hooks from .git/hooks");
    expect(lines[1]).toBe("keyguard: pre-commit: keyguard runs: .git/hooks/pre-commit is keyguard's hook");
    mkdirSync(join(repo.dir, 'src'));
    expectAllRun(repo, join(repo.dir, 'src'));
    const worktree = sandbox.path(`worktree-${count}`);
    repo.git('worktree', 'add', '-q', worktree);
    expectAllRun(repo, worktree);
  });

  it('passes with the core.hooksPath set at install time, and fails once another one is set', () => {
    const repo = project();
    repo.git('config', 'core.hooksPath', 'githooks');
    expect(repo.keyguard(['install']).code).toBe(0);
    expect(expectAllRun(repo).lines[0]).toMatch(/^keyguard: git reads this repository's hooks from githooks \(core.hooksPath githooks, set in .*config\)$/);

    repo.git('config', 'core.hooksPath', 'team-hooks');
    const lost = check(repo);
    expect(lost.code).toBe(1);
    expect(lost.hooks['pre-commit']).toBe('keyguard: pre-commit: keyguard does NOT run: git runs no pre-commit hook: there is no team-hooks/pre-commit');
    expect(lost.stdout).toContain("keyguard: keyguard's hooks in githooks no longer run: git reads hooks from team-hooks now\n");
    expect(lost.stderr).toBe('keyguard: git does not run keyguard for pre-commit, prepare-commit-msg, commit-msg, pre-push. To fix: run `keyguard install`.\n');
    expect(repo.keyguard(['install']).code).toBe(0);
    expectAllRun(repo);
  });

  it('names a hook git skips because it is not executable; install makes it run again', () => {
    const repo = project();
    expect(repo.keyguard(['install']).code).toBe(0);
    chmodSync(join(repo.dir, '.git', 'hooks', 'pre-push'), 0o644);
    const lost = check(repo);
    expect(lost.code).toBe(1);
    expect(lost.hooks['pre-push']).toBe('keyguard: pre-push: keyguard does NOT run: .git/hooks/pre-push is not executable, so git skips it');
    expect(repo.keyguard(['install']).stdout).toContain('made');
    expectAllRun(repo);
  });

  it('fails where keyguard was never installed, and takes no bad input', () => {
    const repo = project();
    const none = check(repo);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('To fix: run `keyguard install`');
    for (const option of ['--global', '--force', '--template=t']) {
      const bad = repo.keyguard(['install', '--check', option]);
      expect({ option, code: bad.code, stdout: bad.stdout }).toEqual({ option, code: 2, stdout: '' });
      expect(bad.stderr).toMatch(/^keyguard: --check looks at the hooks git runs in this repository: it takes no --force, --template or --global\n$/);
    }
    const outside = sandbox.path('not-a-repo');
    mkdirSync(outside);
    const nowhere = repo.keyguard(['install', '--check'], { cwd: outside });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^keyguard: not in a git repository/);
  });
});

describe('husky taking over after keyguard install', () => {
  it('is reported by the check and by scans, and install puts keyguard back where git looks, blocking keys again', () => {
    const repo = project();
    expect(repo.keyguard(['install']).code).toBe(0);
    expect(commitKey(repo).code).toBe(1);

    // A teammate's config, then husky's prepare script on the next npm install.
    repo.git('config', 'core.hooksPath', '.husky/_');
    const unset = check(repo);
    expect(unset.code).toBe(1);
    expect(unset.hooks['pre-commit']).toBe('keyguard: pre-commit: keyguard does NOT run: git runs no pre-commit hook: there is no .husky/_/pre-commit, husky is not set up here');
    expect(unset.stderr).toContain('To fix: run `npx husky`');

    husky(repo);
    repo.commit('husky', { '.husky/pre-commit': OWN_HOOK });
    const lost = check(repo);
    expect(lost.code).toBe(1);
    expect(lost.lines[0]).toMatch(/^keyguard: git reads this repository's hooks from \.husky\/_ \(core.hooksPath \.husky\/_, set in .*config\)$/);
    expect(lost.hooks['pre-commit']).toBe('keyguard: pre-commit: keyguard does NOT run: .husky/_/pre-commit runs .husky/pre-commit, which has no keyguard lines');
    expect(lost.hooks['commit-msg']).toBe('keyguard: commit-msg: keyguard does NOT run: .husky/_/commit-msg runs .husky/commit-msg, which does not exist');
    expect(lost.stdout).toContain("keyguard: keyguard's hooks in .git/hooks no longer run: git reads hooks from .husky/_ now\n");
    expect(lost.stderr).toBe(
      "keyguard: git does not run keyguard for pre-commit, prepare-commit-msg, commit-msg, pre-push. To fix: run `keyguard install` (it adds keyguard's lines to the files in .husky: commit them).\n",
    );

    // Nothing blocks a key now: what the warning is for.
    expect(commitKey(repo).code).toBe(0);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    const scan = repo.keyguard(['scan']);
    expect(scan.code).toBe(0);
    expect(scan.stderr).toMatch(/^keyguard: warning: git no longer runs keyguard's pre-commit, prepare-commit-msg, commit-msg, pre-push hooks here \(it reads hooks from \.husky\/_\)\. To fix: run `keyguard install` .*; `keyguard install --check` says more\n$/);
    for (const args of [['scan-history'], ['scan-range', 'HEAD~1..HEAD'], ['ci', '--base', 'HEAD~1']]) {
      expect({ args, stderr: repo.keyguard(args).stderr }).toEqual({ args, stderr: expect.stringContaining('keyguard: warning: git no longer runs') });
    }
    // Not from the hooks' own command, stdin or --no-git.
    for (const args of [['scan', '--staged'], ['scan', '-'], ['scan', '--no-git', 'README.md']]) expect({ args, stderr: repo.keyguard(args).stderr }).toEqual({ args, stderr: '' });

    const reinstall = repo.keyguard(['install']);
    expect(reinstall.code).toBe(0);
    expect(reinstall.stdout).toContain('added keyguard to');
    expectAllRun(repo);
    expect(repo.keyguard(['scan']).stderr).toBe('');
    // The project's own husky hook is kept, and runs after keyguard's.
    expect(readFileSync(join(repo.dir, '.husky', 'pre-commit'), 'utf8').endsWith(OWN_HOOK)).toBe(true);
    const blocked = commitKey(repo);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('keyguard blocked this commit');
    expect(repo.tryGit('commit', '-q', '--allow-empty', '-m', 'clean')).toMatchObject({ code: 0 });
    expect(existsSync(join(repo.dir, '.git', 'own-hook-ran'))).toBe(true);

    // Uninstall takes keyguard out of both places: none of its hooks waits in .git/hooks for git to look there again.
    expect(repo.keyguard(['uninstall']).code).toBe(0);
    expect(readFileSync(join(repo.dir, '.husky', 'pre-commit'), 'utf8')).toBe(OWN_HOOK);
    expect(existsSync(join(repo.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
    repo.git('config', '--unset', 'core.hooksPath');
    expect(repo.keyguard(['scan']).stderr).toBe('');
  });

  it('in a linked worktree where husky has not run, says to run it there', () => {
    const repo = project();
    husky(repo);
    expect(repo.keyguard(['install']).code).toBe(0);
    repo.git('add', '.husky');
    repo.git('commit', '-q', '-m', 'keyguard');
    expectAllRun(repo);
    const worktree = sandbox.path(`worktree-${count}`);
    repo.git('worktree', 'add', '-q', worktree);
    // husky's files in .husky/_ are never committed: the new worktree has none.
    const lost = check(repo, worktree);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toBe('keyguard: git does not run keyguard for pre-commit, prepare-commit-msg, commit-msg, pre-push. To fix: run `npx husky` (npm install runs it, through the prepare script).\n');
    husky(repo, worktree);
    expectAllRun(repo, worktree);
  });

  it('is warned of when the hooks came from a template (no install record), and not where keyguard never was', () => {
    const repo = project();
    expect(repo.keyguard(['scan']).stderr).toBe('');
    const template = sandbox.path(`template-${count}`);
    expect(repo.keyguard(['install', '--template', template]).code).toBe(0);
    const copy = sandbox.path(`from-template-${count}`);
    expect(spawnSync('git', ['init', '-q', '--template', template, copy], { env: repo.env }).status).toBe(0);
    const scan = (cwd: string) => repo.keyguard(['scan'], { cwd }).stderr;
    expect(scan(copy)).toBe('');
    spawnSync('git', ['config', 'core.hooksPath', 'elsewhere'], { cwd: copy, env: repo.env });
    expect(scan(copy)).toMatch(/^keyguard: warning: git no longer runs keyguard's pre-commit, .* \(it reads hooks from elsewhere\)\. To fix: run `keyguard install`; /);
    rmSync(join(copy, '.git', 'hooks'), { recursive: true });
    expect(scan(copy)).toBe('');
  });
});

describe('a core.hooksPath from a hostile config', () => {
  it('holding a newline and an escape sequence: read whole, printed escaped, and the scan still finds its files', () => {
    const repo = project();
    expect(repo.keyguard(['install']).code).toBe(0);
    repo.git('config', 'core.hooksPath', 'hooks\n\x1b[2Kdir');
    repo.write('deploy.env', `AWS_ACCESS_KEY_ID=${id}\n`);
    const scan = repo.keyguard(['scan']);
    expect(scan.code).toBe(1);
    expect(scan.stdout).toContain('deploy.env:1');
    expect(scan.stderr).toContain('(it reads hooks from hooks\\n\\e[2Kdir)');
    const result = check(repo);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(/^keyguard: git reads this repository's hooks from hooks\\n\\e\[2Kdir \(core.hooksPath hooks\\n\\e\[2Kdir, set in .*\)$/);
    expect(result.hooks['pre-commit']).toBe('keyguard: pre-commit: keyguard does NOT run: git runs no pre-commit hook: there is no hooks\\n\\e[2Kdir/pre-commit');
  });
});

describe('what the check costs', () => {
  it('no git more: a scan asks the question it asked before with the hooks added, a commit through the hooks none', () => {
    const repo = project();
    expect(repo.keyguard(['install']).code).toBe(0);
    const recorder = gitRecorder(sandbox, `recorder-${count}`);
    const asksHooksDir = (command: string[]) => command[0] === 'rev-parse' && command.includes('hooks');
    const scan = spawnSync(process.execPath, [BIN, 'scan'], { cwd: repo.dir, env: recorder.env(repo), encoding: 'utf8' });
    expect(scan.status, scan.stderr).toBe(0);
    // Before: config, `rev-parse --show-toplevel`, ls-files.
    expect(recorder.commands().map(([command]) => command).sort()).toEqual(['config', 'ls-files', 'rev-parse']);
    expect(recorder.commands().filter(asksHooksDir)).toEqual([['rev-parse', '--is-shallow-repository', '--is-bare-repository', '--git-common-dir', '--show-toplevel', '--git-path', 'hooks']]);

    // git runs hooks with its own directory first on PATH, past the recorder: its trace sees every git.
    const trace = sandbox.path(`trace-${count}`);
    repo.write('a.txt', 'a\n').git('add', 'a.txt');
    expect(spawnSync('git', ['commit', '-q', '-m', 'token change'], { cwd: repo.dir, env: { ...repo.env, GIT_TRACE: trace } }).status).toBe(0);
    const gits = readFileSync(trace, 'utf8').split('\n').filter((line) => line.includes('trace: built-in: git '));
    expect(gits.filter((line) => line.includes('git diff --cached')).length).toBe(1); // keyguard's pre-commit ran
    expect(gits.filter((line) => line.includes('hooks'))).toEqual([]);
  });
});
