// keyguard in a husky project (the real husky 9 from node_modules sets core.hooksPath=.husky/_), and the
// lint-staged recipe run by the real lint-staged.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { OWN_HOOK, keyguardProject, runPackage } from './helpers/husky.js';
import { fakeKeyId } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const id = fakeKeyId('husky');

let sandbox: Sandbox;
let count = 0;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

const run = runPackage;

/** A project with keyguard in node_modules/.bin (as a devDependency puts it) and a husky pre-commit of its own. */
function project(options: { husky: boolean }): Repo {
  const repo = keyguardProject(sandbox, `project-${++count}`, { '.husky/pre-commit': OWN_HOOK });
  // What `npm install` does through the "prepare": "husky" script.
  if (options.husky) expect(run(repo, 'husky/bin.js').code).toBe(0);
  return repo;
}

const read = (repo: Repo, path: string) => readFileSync(join(repo.dir, path), 'utf8');

describe('husky', () => {
  it('adds keyguard to husky\'s files, keeping what is there; keys are blocked and husky\'s own hook still runs', () => {
    const repo = project({ husky: true });
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.husky/_');
    const result = repo.keyguard(['install']);
    expect(result.code).toBe(0);
    const preCommit = read(repo, '.husky/pre-commit');
    expect(preCommit).toContain('keyguard_run hook pre-commit');
    expect(preCommit.endsWith(OWN_HOOK)).toBe(true);
    expect(read(repo, '.husky/commit-msg')).toContain('keyguard_run hook commit-msg');
    // Committed files are shared by the team: no absolute path of this machine in them.
    expect(preCommit).not.toContain(BIN);
    expect(repo.keyguard(['install']).stdout).toContain('already installed');

    repo.write('deploy.env', `AWS_ACCESS_KEY_ID=${id}\n`).git('add', 'deploy.env');
    const blocked = repo.tryGit('commit', '-m', 'deploy');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('keyguard blocked this commit');
    expect(blocked.stderr).toContain('deploy.env:1');

    repo.write('deploy.env', 'REGION=eu-west-1\n').git('add', 'deploy.env');
    const clean = repo.tryGit('commit', '-m', 'deploy');
    expect(clean.code).toBe(0);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('deploy');
    expect(existsSync(join(repo.dir, '.git', 'own-hook-ran'))).toBe(true);

    expect(repo.tryGit('commit', '--allow-empty', '-m', `key ${id}`).code).not.toBe(0);

    expect(repo.keyguard(['uninstall']).code).toBe(0);
    expect(read(repo, '.husky/pre-commit')).toBe(OWN_HOOK);
    expect(existsSync(join(repo.dir, '.husky', 'commit-msg'))).toBe(false);
    expect(repo.git('status', '--porcelain').trim()).toBe('');
  });

  it('in a clone where husky has not run yet, goes to .husky (not .git/hooks) and says how to set husky up', () => {
    const repo = project({ husky: false });
    const result = repo.keyguard(['install']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('run `npx husky`');
    expect(read(repo, '.husky/pre-commit')).toContain('keyguard_run hook pre-commit');
    expect(existsSync(join(repo.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });
});

describe("what a husky file's own lines stage", () => {
  it('is scanned too, when the file ends, also by an early exit', () => {
    for (const ending of ['', 'exit 0\n']) {
      const repo = project({ husky: true });
      expect(repo.keyguard(['install']).code).toBe(0);
      // The project's step after keyguard's block: generates a file from the environment and stages it.
      repo.write('.husky/pre-commit', `${read(repo, '.husky/pre-commit')}printf 'AWS_ACCESS_KEY_ID=%s\\n' "$DEPLOY_KEY_ID" > deploy.env\ngit add deploy.env\n${ending}`);
      repo.git('add', '.');
      expect(repo.tryGit('commit', '-q', '-m', 'setup')).toMatchObject({ code: 0 }); // DEPLOY_KEY_ID unset
      repo.write('feature.txt', 'feature\n').git('add', 'feature.txt');
      const env = { ...repo.env, DEPLOY_KEY_ID: id };
      const blocked = spawnSync('git', ['commit', '-q', '-m', 'feature'], { cwd: repo.dir, env, encoding: 'utf8' });
      expect({ ending, code: blocked.status }).toEqual({ ending, code: 1 });
      expect(blocked.stderr).toContain('deploy.env:1');
      expect(repo.git('rev-list', '--count', 'HEAD').trim()).toBe('2');
    }
  });
});

describe('a husky file whose keyguard block lost its end line', () => {
  it('is left whole by uninstall and install, which say which file and what to do', () => {
    const repo = project({ husky: false });
    expect(repo.keyguard(['install']).code).toBe(0);
    // A conflict resolution kept keyguard's lines but dropped the end marker; the user's own line follows.
    const installed = read(repo, '.husky/pre-commit');
    const broken = installed.replace('# <<< keyguard\n', '') + 'npm test\n';
    repo.write('.husky/pre-commit', broken);
    const before = Object.fromEntries(['pre-commit', 'commit-msg', 'pre-push', 'prepare-commit-msg'].map((name) => [name, read(repo, `.husky/${name}`)]));
    for (const command of ['uninstall', 'install']) {
      const { code, stdout, stderr } = repo.keyguard([command]);
      expect({ command, code, stdout }).toEqual({ command, code: 2, stdout: '' });
      expect(stderr).toMatch(new RegExp(`^keyguard: nothing (removed|installed): .*\\.husky/pre-commit: keyguard's block has lost its end line "# <<< keyguard", so keyguard cannot tell its lines from yours.* run keyguard ${command} again\\n$`));
      // nothing changed, in that file or the others
      for (const [name, text] of Object.entries(before)) expect(read(repo, `.husky/${name}`)).toBe(text);
    }
    // Once the end line is back, uninstall removes exactly keyguard's lines.
    repo.write('.husky/pre-commit', `${installed}npm test\n`);
    expect(repo.keyguard(['uninstall']).code).toBe(0);
    expect(read(repo, '.husky/pre-commit')).toBe(`${OWN_HOOK}npm test\n`);
  });
});

describe('lint-staged recipe', () => {
  it('`keyguard scan` on the staged file names fails lint-staged when one holds a key', () => {
    const repo = project({ husky: false });
    repo.commit('lint-staged', { 'package.json': JSON.stringify({ name: 'p', private: true, 'lint-staged': { '*': 'keyguard scan' } }) });
    repo.write('src/app.js', 'export const region = "eu-west-1";\n').git('add', '.');
    expect(run(repo, 'lint-staged/bin/lint-staged.js').code).toBe(0);

    repo.write('src/config.js', `export const key = "${id}";\n`).git('add', '.');
    const blocked = run(repo, 'lint-staged/bin/lint-staged.js');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain('src/config.js:1');
    expect(blocked.stdout + blocked.stderr).not.toContain(id);
  });
});
