// keyguard install / uninstall: where the hooks go, what happens to hooks already there, and failing closed.
// These tests need no scanning: the hooks they fire are chained ones, or a keyguard that cannot run.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { Repo, Sandbox } from './helpers/repo.js';

const HOOKS = ['commit-msg', 'pre-commit', 'pre-push', 'prepare-commit-msg'];

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

const read = (path: string) => readFileSync(path, 'utf8');
const hooksIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => !name.endsWith('.sample')).sort() : []);

function writeHook(path: string, body: string): string {
  const text = `#!/bin/sh\n${body}\n`;
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return text;
}

function installed(repo: Repo, args: string[] = []) {
  const result = repo.keyguard(['install', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

describe('keyguard install', () => {
  it('writes the four hooks into .git/hooks, and a second install changes nothing', () => {
    const repo = sandbox.repo();
    installed(repo);
    const hooks = join(repo.dir, '.git', 'hooks');
    expect(hooksIn(hooks)).toEqual(HOOKS);
    const before = HOOKS.map((name) => read(join(hooks, name)));
    expect(before[0]).toMatch(/^#!\/bin\/sh\n/);
    const again = installed(repo);
    expect(again.stdout).toContain('already installed');
    expect(HOOKS.map((name) => read(join(hooks, name)))).toEqual(before);
  });

  it('installs where core.hooksPath points, from a subdirectory too', () => {
    const repo = sandbox.repo();
    repo.git('config', 'core.hooksPath', 'githooks');
    mkdirSync(join(repo.dir, 'src'));
    const result = repo.keyguard(['install'], { cwd: join(repo.dir, 'src') });
    expect(result.code).toBe(0);
    expect(hooksIn(join(repo.dir, 'githooks'))).toEqual(HOOKS);
    expect(hooksIn(join(repo.dir, '.git', 'hooks'))).toEqual([]);
  });

  it('from a linked worktree, installs in the hooks every worktree shares', () => {
    const repo = sandbox.repo();
    repo.commit('first', { 'a.txt': 'a\n' });
    const worktree = sandbox.path('worktree');
    repo.git('worktree', 'add', '-q', worktree);
    const result = repo.keyguard(['install'], { cwd: worktree });
    expect(result.code).toBe(0);
    expect(hooksIn(join(repo.dir, '.git', 'hooks'))).toEqual(HOOKS);
  });

  it('makes its own hook executable again when it lost the bit (git skips it then)', () => {
    const repo = sandbox.repo();
    installed(repo);
    const hook = join(repo.dir, '.git', 'hooks', 'pre-commit');
    chmodSync(hook, 0o644);
    expect(installed(repo).stdout).toBe(`keyguard: made ${hook} executable again\n`);
    expect(statSync(hook).mode & 0o777).toBe(0o755);
  });

  it('puts its hook inside a Debian-style pre-commit.d directory', () => {
    const repo = sandbox.repo();
    mkdirSync(join(repo.dir, '.git', 'hooks', 'pre-commit.d'));
    installed(repo);
    expect(read(join(repo.dir, '.git', 'hooks', 'pre-commit.d', 'keyguard'))).toContain('keyguard_run hook pre-commit');
    expect(existsSync(join(repo.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
    repo.keyguard(['uninstall']);
    expect(readdirSync(join(repo.dir, '.git', 'hooks', 'pre-commit.d'))).toEqual([]);
  });
});

describe('hooks already there', () => {
  it('chains an existing hook: it runs first, its failure still blocks, and uninstall puts it back', () => {
    const repo = sandbox.repo();
    const hook = join(repo.dir, '.git', 'hooks', 'commit-msg');
    const original = writeHook(hook, 'echo "own hook ran" >&2\ngrep -q allowed "$1"');
    const result = installed(repo);
    expect(result.stdout).toContain('chained');
    expect(read(`${hook}.keyguard-chained`)).toBe(original);

    // "allowed" in the message: the own hook passes; nothing there for keyguard, so Node never starts.
    repo.write('a.txt', 'a\n').git('add', 'a.txt');
    const pass = repo.tryGit('commit', '-m', 'allowed change');
    expect(pass.code).toBe(0);
    const block = repo.tryGit('commit', '--allow-empty', '-m', 'plain change');
    expect(block.code).not.toBe(0);
    expect(block.stderr).toContain('own hook ran');

    expect(repo.keyguard(['uninstall']).code).toBe(0);
    expect(read(hook)).toBe(original);
    expect(hooksIn(join(repo.dir, '.git', 'hooks'))).toEqual(['commit-msg']);
  });

  it('refuses, changing nothing, when the hook cannot be chained; --force replaces it and keeps a backup', () => {
    const repo = sandbox.repo();
    const hooks = join(repo.dir, '.git', 'hooks');
    const own = writeHook(join(hooks, 'pre-push'), 'exit 0');
    writeHook(join(hooks, 'pre-push.keyguard-chained'), 'exit 0');
    const refused = repo.keyguard(['install']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^keyguard: nothing installed: .*pre-push is not keyguard's/);
    expect(hooksIn(hooks)).toEqual(['pre-push', 'pre-push.keyguard-chained']);

    const forced = repo.keyguard(['install', '--force']);
    expect(forced.code).toBe(0);
    expect(read(join(hooks, 'pre-push.keyguard-backup'))).toBe(own);
    expect(repo.keyguard(['uninstall']).code).toBe(0);
    expect(read(join(hooks, 'pre-push'))).toBe(own);
    expect(hooksIn(hooks)).toEqual(['pre-push', 'pre-push.keyguard-chained']);
  });

  it('uninstall leaves hooks that are not keyguard\'s alone', () => {
    const repo = sandbox.repo();
    const own = writeHook(join(repo.dir, '.git', 'hooks', 'pre-commit'), 'exit 0');
    installed(repo);
    repo.keyguard(['uninstall']);
    const second = repo.keyguard(['uninstall']);
    expect(second.stdout).toContain('no keyguard hooks');
    expect(read(join(repo.dir, '.git', 'hooks', 'pre-commit'))).toBe(own);
  });
});

describe('core.hooksPath changed after an install', () => {
  it('install goes where git looks now; uninstall takes keyguard out of both places, putting the chained hook back', () => {
    const repo = sandbox.repo();
    const hooks = join(repo.dir, '.git', 'hooks');
    const own = writeHook(join(hooks, 'pre-commit'), 'exit 0');
    installed(repo);
    repo.git('config', 'core.hooksPath', 'githooks');
    installed(repo);
    expect(hooksIn(join(repo.dir, 'githooks'))).toEqual(HOOKS);
    expect(read(join(repo.dir, '.git', 'keyguard', 'installed-hooks'))).toBe(`hooks ${hooks}\nhooks ${join(repo.dir, 'githooks')}\n`);

    const result = repo.keyguard(['uninstall']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`restored ${join(hooks, 'pre-commit')}`);
    expect(hooksIn(join(repo.dir, 'githooks'))).toEqual([]);
    expect(hooksIn(hooks)).toEqual(['pre-commit']);
    expect(read(join(hooks, 'pre-commit'))).toBe(own);
    expect(existsSync(join(repo.dir, '.git', 'keyguard', 'installed-hooks'))).toBe(false);
  });
});

describe("keyguard's script renamed by another tool", () => {
  /** The pre-commit framework's `pre-commit install`: keyguard's hook becomes pre-commit.legacy, which it calls. */
  function frameworkInstall(hooks: string): string {
    renameSync(join(hooks, 'pre-commit'), join(hooks, 'pre-commit.legacy'));
    return writeHook(join(hooks, 'pre-commit'), '"$(dirname "$0")/pre-commit.legacy" "$@"');
  }

  it('uninstall puts the chained hook where the other tool calls keyguard\'s', () => {
    const repo = sandbox.repo();
    const hooks = join(repo.dir, '.git', 'hooks');
    const own = writeHook(join(hooks, 'pre-commit'), 'echo "own hook ran" >&2');
    installed(repo);
    const framework = frameworkInstall(hooks);
    const result = repo.keyguard(['uninstall']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('renamed by another tool');
    expect(hooksIn(hooks)).toEqual(['pre-commit', 'pre-commit.legacy']);
    expect(read(join(hooks, 'pre-commit'))).toBe(framework);
    expect(read(join(hooks, 'pre-commit.legacy'))).toBe(own);
    expect(repo.tryGit('commit', '--allow-empty', '-m', 'x').code).toBe(0);
  });

  it('uninstall keeps the chained hook, and says so, when keyguard\'s script is nowhere to be found', () => {
    const repo = sandbox.repo();
    const hooks = join(repo.dir, '.git', 'hooks');
    const own = writeHook(join(hooks, 'pre-commit'), 'exit 0');
    installed(repo);
    const other = writeHook(join(hooks, 'pre-commit'), 'exit 0 # another tool');
    const result = repo.keyguard(['uninstall']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`keyguard: warning: left ${join(hooks, 'pre-commit.keyguard-chained')}`);
    expect(read(join(hooks, 'pre-commit'))).toBe(other);
    expect(read(join(hooks, 'pre-commit.keyguard-chained'))).toBe(own);
  });
});

describe('failing closed', () => {
  /** A PATH with git and nothing of Node's, so the hook can fall back on nothing. */
  function bareBin(): string {
    const dir = sandbox.path('bare-bin');
    mkdirSync(dir);
    symlinkSync('/usr/bin/git', join(dir, 'git'));
    return dir;
  }

  function breakHook(repo: Repo, name: string, replacement: string) {
    const path = join(repo.dir, '.git', 'hooks', name);
    writeFileSync(path, read(path).replace(/'[^']*bin\/keyguard'/g, replacement));
  }

  it('blocks the commit, saying how to fix it, when keyguard cannot be found', () => {
    const repo = sandbox.repo();
    installed(repo);
    breakHook(repo, 'pre-commit', `'${sandbox.path('gone', 'keyguard')}'`);
    repo.write('a.txt', 'a\n').git('add', 'a.txt');
    // The same repository under a PATH without node, npx or keyguard.
    const blocked = new Repo(repo.dir, { ...repo.env, PATH: bareBin() }).tryGit('commit', '-m', 'x');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('cannot find keyguard');
    expect(blocked.stderr).toContain('could not run keyguard (exit 127), so this commit is blocked');
    expect(blocked.stderr).toContain('--no-verify');
    expect(repo.tryGit('rev-parse', 'HEAD').code).not.toBe(0);
  });

  it('blocks the commit when keyguard crashes', () => {
    const repo = sandbox.repo();
    installed(repo);
    const crash = sandbox.path('crash.mjs');
    writeFileSync(crash, 'process.exit(3);\n');
    breakHook(repo, 'pre-commit', `'${crash}'`);
    repo.write('a.txt', 'a\n').git('add', 'a.txt');
    const blocked = repo.tryGit('commit', '-m', 'x');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('could not run keyguard (exit 3)');
  });
});

describe('templates', () => {
  it('--template DIR writes hooks that git init --template copies into a new repository', () => {
    const template = sandbox.path('template');
    const repo = sandbox.repo();
    expect(repo.keyguard(['install', '--template', template]).code).toBe(0);
    expect(hooksIn(join(template, 'hooks'))).toEqual(HOOKS);
    const fresh = sandbox.path('fresh');
    repo.git('init', '-q', '--template', template, fresh);
    expect(hooksIn(join(fresh, '.git', 'hooks'))).toEqual(HOOKS);
  });

  it('--global sets init.templateDir in the user\'s config only, and uninstall --global takes it back', () => {
    const repo = sandbox.repo();
    expect(repo.keyguard(['install', '--global']).code).toBe(0);
    const templateDir = repo.git('config', '--global', 'init.templateDir').trim();
    expect(templateDir).toBe(join(sandbox.home, '.git-templates', 'keyguard'));
    expect(read(join(sandbox.home, '.gitconfig'))).toContain('templateDir');
    const fresh = sandbox.repo('fresh');
    expect(hooksIn(join(fresh.dir, '.git', 'hooks'))).toEqual(HOOKS);

    expect(repo.keyguard(['uninstall', '--global']).code).toBe(0);
    expect(repo.tryGit('config', '--global', 'init.templateDir').code).toBe(1);
    expect(hooksIn(join(templateDir, 'hooks'))).toEqual([]);
  });

  it('--global with an init.templateDir of the user\'s own installs there and leaves the setting', () => {
    const repo = sandbox.repo();
    const own = sandbox.path('my-template');
    repo.git('config', '--global', 'init.templateDir', own);
    expect(repo.keyguard(['install', '--global']).code).toBe(0);
    expect(hooksIn(join(own, 'hooks'))).toEqual(HOOKS);
    expect(repo.keyguard(['uninstall', '--global']).code).toBe(0);
    expect(repo.git('config', '--global', 'init.templateDir').trim()).toBe(own);
  });
});

describe('parallel installs (a workspace\'s prepare scripts)', () => {
  const ROUNDS = 16;
  const INSTALLS = 8;

  /** `keyguard install` as a real process; resolves with its exit code and stderr. */
  const installProcess = (repo: Repo) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'install'], { cwd: repo.dir, env: repo.env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });

  it(`never lose the user's hooks: ${ROUNDS} rounds of ${INSTALLS} installs at once, then the hooks still run`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const repo = sandbox.repo(`parallel-${round}`);
      const hooks = join(repo.dir, '.git', 'hooks');
      const own = Object.fromEntries(HOOKS.map((name) => [name, writeHook(join(hooks, name), `cat >/dev/null; echo ${name} >> "$(git rev-parse --git-dir)/own-hooks-ran"`)]));
      const results = await Promise.all(Array.from({ length: INSTALLS }, () => installProcess(repo)));
      expect(results).toEqual(Array.from({ length: INSTALLS }, () => ({ code: 0, stderr: '' })));
      for (const name of HOOKS) expect({ round, name, chained: read(join(hooks, `${name}.keyguard-chained`)) }).toEqual({ round, name, chained: own[name] });
      // Every hook keyguard's, every user's hook chained, no lock or stray file left behind.
      expect(hooksIn(hooks)).toEqual(HOOKS.flatMap((name) => [name, `${name}.keyguard-chained`]).sort());
      expect(existsSync(join(repo.dir, '.git', 'keyguard-install.lock'))).toBe(false);
      if (round < ROUNDS) continue;
      // The user's hooks still run: a commit fires three of them, a push the fourth.
      const remote = sandbox.repo('parallel-remote', { bare: true });
      repo.write('a.txt', 'a\n').git('add', 'a.txt');
      expect(repo.tryGit('commit', '-q', '-m', 'after the installs').code).toBe(0);
      expect(repo.tryGit('push', '-q', remote.dir, 'HEAD:refs/heads/main').code).toBe(0);
      expect(read(join(repo.dir, '.git', 'own-hooks-ran')).split('\n').filter(Boolean).sort()).toEqual([...HOOKS].sort());
    }
  }, 120_000);

  it('takes over a lock its holder left behind, and removes it', () => {
    const repo = sandbox.repo();
    const lock = join(repo.dir, '.git', 'keyguard-install.lock');
    // a process of this host that has exited
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lock, `${dead} ${hostname()}\n`);
    installed(repo);
    expect(existsSync(lock)).toBe(false);
    // a lock from another host, long untouched
    writeFileSync(lock, `1 elsewhere\n`);
    const old = (Date.now() - 10 * 60_000) / 1000;
    utimesSync(lock, old, old);
    expect(repo.keyguard(['uninstall']).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a live holder to finish', async () => {
    const repo = sandbox.repo();
    const lock = join(repo.dir, '.git', 'keyguard-install.lock');
    writeFileSync(lock, `${process.pid} ${hostname()}\n`);
    const waiting = installProcess(repo);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hooksIn(join(repo.dir, '.git', 'hooks'))).toEqual([]);
    rmSync(lock);
    expect(await waiting).toEqual({ code: 0, stderr: '' });
    expect(hooksIn(join(repo.dir, '.git', 'hooks'))).toEqual(HOOKS);
  });
});
