import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

// The README's install recipes, run as a new user runs them: a scratch npm project installing the packed
// tarball, and the pre-commit framework (Debian's package, where it is installed) installing this repository.
const sandbox = new Sandbox();
const onExit: Array<() => void> = [() => sandbox.cleanup()];
afterAll(() => onExit.forEach((cleanup) => cleanup()));
const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

function packedTarball(): string {
  // --ignore-scripts: pack the dist/ `npm test` built, without rebuilding it under the other test files' feet.
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', sandbox.root], { cwd: ROOT, env: sandbox.env, encoding: 'utf8' }).trim();
  return join(sandbox.root, name.split('\n').pop()!);
}

describe('installing keyguard into a project', () => {
  it('installs from the packed tarball, blocks a commit through npx keyguard install, and warns on --global', () => {
    const tarball = packedTarball();
    const project = sandbox.repo('project');
    project.write('package.json', '{ "name": "project", "version": "1.0.0", "private": true }\n');
    execFileSync('npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project.dir, env: sandbox.env });
    const npx = (args: string[]) => spawnSync('npx', ['--no-install', 'keyguard', ...args], { cwd: project.dir, env: sandbox.env, encoding: 'utf8' });
    expect(npx(['install']).status).toBe(0);
    project.write('deploy.env', `AWS_ACCESS_KEY_ID=${fakeKeyId('recipe')}\n`).git('add', 'deploy.env');
    const blocked = project.tryGit('commit', '-m', 'deploy');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/keyguard blocked this commit/);
    // The project's own copy is on no shell's PATH: the allow line says npx, and works as printed.
    const [, fingerprint] = blocked.stderr.match(/^ {2}Not a secret\? npx keyguard allow ([0-9a-f]{32})$/m) ?? [];
    expect(fingerprint, blocked.stderr).toBeDefined();
    expect(npx(['allow', fingerprint]).status).toBe(0);
    project.git('add', '.keyguardallow');
    expect(project.tryGit('commit', '-q', '-m', 'deploy')).toMatchObject({ code: 0 });
    // A global template that runs one project's copy: said plainly, since every new repository depends on it.
    const global = npx(['install', '--global']);
    expect(global.status).toBe(0);
    expect(global.stderr).toMatch(/warning: these hooks run the keyguard in .*node_modules.*one project's copy/);
  }, 180_000);
});

describe.runIf(onPath('pre-commit'))('the pre-commit framework', () => {
  it('installs both hooks from this repository and blocks a key in a file and in a message', () => {
    const rev = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const own = new Sandbox(); // not the one whose global template the test above set
    onExit.push(() => own.cleanup());
    const repo = own.repo('pre-commit-user');
    // pre-commit runs npm under a node of its own environment, which does not see the global npmrc where a
    // machine behind a TLS proxy names its CA file: hand the file over explicitly.
    const cafile = execFileSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8' }).trim();
    const env = { ...own.env, PRE_COMMIT_HOME: own.path('pre-commit-cache'), ...(cafile && cafile !== 'null' ? { npm_config_cafile: cafile } : {}) };
    repo.write('.pre-commit-config.yaml', `repos:\n  - repo: ${ROOT}\n    rev: ${rev}\n    hooks:\n      - id: keyguard\n      - id: keyguard-commit-msg\n`);
    const install = spawnSync('pre-commit', ['install', '--install-hooks', '--hook-type', 'pre-commit', '--hook-type', 'commit-msg'], { cwd: repo.dir, env, encoding: 'utf8' });
    expect(install.status, install.stdout + install.stderr).toBe(0);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo.dir, env, encoding: 'utf8' });
    git('add', '.pre-commit-config.yaml');
    expect(git('commit', '-m', 'add pre-commit').status).toBe(0);
    repo.write('a.env', `ID=${fakeKeyId('framework')}\n`);
    git('add', 'a.env');
    const file = git('commit', '-m', 'add settings');
    expect(file.status).toBe(1);
    expect(file.stdout + file.stderr).toMatch(/1 secret found in staged changes/);
    git('rm', '-q', '--cached', 'a.env');
    repo.write('b.txt', 'b\n');
    git('add', 'b.txt');
    const message = git('commit', '-m', `deploy with ${fakeKeyId('framework-msg')}`);
    expect(message.status).toBe(1);
    expect(message.stdout + message.stderr).toMatch(/1 secret found in commit message/);
    expect(readdirSync(repo.dir)).toContain('b.txt');
    expect(readFileSync(join(repo.dir, '.git', 'hooks', 'commit-msg'), 'utf8')).toMatch(/pre-commit/);
  }, 300_000);
});
