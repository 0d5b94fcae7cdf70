// The installed hooks at work: real git commit, merge and push (to a local bare remote) fire them.
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const id = fakeKeyId('hooks');
const secret = fakeSecret('hooks');
const credentials = `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`;

let sandbox: Sandbox;
let count = 0;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

/** A repository with one clean commit and keyguard's hooks. */
function guarded(): Repo {
  const repo = sandbox.repo(`repo-${++count}`);
  repo.commit('first', { 'README.md': '# project\n' });
  expect(repo.keyguard(['install']).code).toBe(0);
  return repo;
}

/** What a blocked hook must say: the finding masked, and what to do. */
function expectBlocked(result: { code: number; stderr: string }, what: RegExp) {
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(what);
  expect(result.stderr).toContain(id.slice(0, 4));
  expect(result.stderr).not.toContain(id);
  expect(result.stderr).not.toContain(secret);
  expect(result.stderr).toMatch(/rotate it in AWS IAM|Rotate the key in AWS IAM/);
  expect(result.stderr).toMatch(/keyguard allow [0-9a-f]+/);
}

describe('pre-commit', () => {
  it('blocks a staged key and passes a clean commit', () => {
    const repo = guarded();
    repo.write('config/credentials', credentials).git('add', '.');
    const blocked = repo.tryGit('commit', '-m', 'add config');
    expectBlocked(blocked, /keyguard blocked this commit\. What to do:/);
    expect(blocked.stderr).toContain('config/credentials:2');
    expect(repo.git('rev-list', '--count', 'HEAD').trim()).toBe('1');

    repo.write('config/credentials', '[default]\nregion = eu-west-1\n').git('add', '.');
    expect(repo.tryGit('commit', '-m', 'add config').code).toBe(0);
  });

  it("starts keyguard's Node without NODE_EXTRA_CA_CERTS, and leaves it to the hook it chained", () => {
    // Node 20 reads the file at each start, before any script: a file that is not there makes it warn.
    const repo = sandbox.repo(`repo-${++count}`);
    repo.commit('first', { 'README.md': '# project\n' });
    const seen = join(repo.dir, 'seen-by-chained-hook');
    repo.write('.git/hooks/pre-commit', `#!/bin/sh\nprintf '%s' "$NODE_EXTRA_CA_CERTS" > '${seen}'\n`);
    chmodSync(join(repo.dir, '.git/hooks/pre-commit'), 0o755);
    expect(repo.keyguard(['install']).code).toBe(0);
    const missing = join(repo.dir, 'no-such-ca.pem');
    repo.write('config/credentials', credentials).git('add', 'config');
    const env = { ...repo.env, NODE_EXTRA_CA_CERTS: missing };
    const blocked = spawnSync('git', ['commit', '-m', 'add config'], { cwd: repo.dir, env, encoding: 'utf8' });
    expectBlocked({ code: blocked.status ?? -1, stderr: blocked.stderr }, /keyguard blocked this commit/);
    expect(blocked.stderr).not.toContain('extra certs');
    expect(readFileSync(seen, 'utf8')).toBe(missing);
    // the warning the hook spares: what Node says with this environment
    expect(spawnSync(process.execPath, ['-e', '0'], { env, encoding: 'utf8' }).stderr).toContain('extra certs');
  });
  it("still runs the hook it chained when another tool renames keyguard's script and calls it", () => {
    // A repository path with a space and quotes: the chained hook's path is written into the script.
    const repo = sandbox.repo(`it's a "repo" ${++count}`);
    repo.commit('first', { 'README.md': '# project\n' });
    const hooks = join(repo.dir, '.git', 'hooks');
    const ran = join(repo.dir, '.git', 'own-hook-ran');
    writeFileSync(join(hooks, 'pre-commit'), '#!/bin/sh\necho ran >> .git/own-hook-ran\n'); // git runs hooks at the top
    chmodSync(join(hooks, 'pre-commit'), 0o755);
    expect(repo.keyguard(['install']).code).toBe(0);
    // What `pre-commit install` does: keyguard's script becomes pre-commit.legacy, called from its own hook.
    renameSync(join(hooks, 'pre-commit'), join(hooks, 'pre-commit.legacy'));
    writeFileSync(join(hooks, 'pre-commit'), '#!/bin/sh\nHERE="$(cd "$(dirname "$0")" && pwd)"\n"$HERE/pre-commit.legacy" "$@" || exit $?\n');
    chmodSync(join(hooks, 'pre-commit'), 0o755);

    repo.write('config/credentials', credentials).git('add', '.');
    expectBlocked(repo.tryGit('commit', '-m', 'add config'), /keyguard blocked this commit/);
    expect(readFileSync(ran, 'utf8')).toBe('ran\n');
    repo.write('config/credentials', '[default]\nregion = eu-west-1\n').git('add', '.');
    expect(repo.tryGit('commit', '-m', 'add config').code).toBe(0);
    expect(readFileSync(ran, 'utf8')).toBe('ran\nran\n');
  });
});

describe('configuration errors', () => {
  it('block the commit saying what is wrong, not that keyguard could not run', () => {
    const repo = guarded();
    repo.write('.keyguardallow', 'path: test/**\n').write('a.txt', 'a\n').git('add', '.');
    const typo = repo.tryGit('commit', '-m', 'a');
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/^keyguard: \.keyguardallow:1: unknown key "path:"/);
    expect(typo.stderr).toContain('the pre-commit hook ran keyguard, which blocked this commit because of the error above');
    expect(typo.stderr).not.toContain('could not run');

    repo.write('.keyguardallow', 'path test/**\n').git('add', '.');
    repo.git('config', 'secrets.providers', 'false');
    const provider = repo.tryGit('commit', '-m', 'a');
    expect(provider.stderr).toMatch(/^keyguard: secrets\.providers "false": exit code 1\n.*ran keyguard, which blocked this commit/);
    expect(repo.git('rev-list', '--count', 'HEAD').trim()).toBe('1');
  });

  it('read a staged .keyguardallow that PowerShell 5.1 wrote in UTF-16 (or one in UTF-32)', () => {
    const repo = guarded();
    for (const [name, bytes] of [
      ['le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('path config/**\r\n', 'utf16le')])],
      ['be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('path config/**\r\n', 'utf16le').swap16()])],
      // UTF-32 too, decoded as a scanned file is (one decoder for both)
      ['32', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), ...[...'path config/**\r\n'].map((c) => Buffer.from([c.charCodeAt(0), 0, 0, 0]))])],
    ] as const) {
      repo.write('.keyguardallow', bytes).write('config/credentials', `${credentials}# ${name}\n`).git('add', '.');
      const result = repo.tryGit('commit', '-m', `allowed fixture ${name}`);
      expect({ name, code: result.code, stderr: result.stderr }).toEqual({ name, code: 0, stderr: '' });
    }
  });
});

describe('commit-msg', () => {
  it('blocks a key in the message', () => {
    const repo = guarded();
    repo.write('a.txt', 'a\n').git('add', '.');
    expectBlocked(repo.tryGit('commit', '-m', `use key ${id}`), /its message holds a secret/);
    expect(repo.tryGit('commit', '-m', 'rotate the access token handling').code).toBe(0);
  });

  it('names the message file so that its advice works from the subdirectory the user committed in', () => {
    const repo = guarded();
    repo.write('src/app/a.txt', 'a\n').git('add', '.');
    const cwd = join(repo.dir, 'src', 'app');
    const blocked = spawnSync('git', ['commit', '-m', `use key ${id}`], { cwd, env: repo.env, encoding: 'utf8' });
    expectBlocked({ code: blocked.status ?? -1, stderr: blocked.stderr }, /its message holds a secret/);
    const reopen = /`git commit -e -F (\S+)` reopens it/.exec(blocked.stderr)?.[1];
    expect(reopen).toBe(join(repo.dir, '.git', 'COMMIT_EDITMSG'));
    // The advised command, where the user is (an editor that takes the key out).
    const editor = `sed -i 's/${id}/the key/'`;
    const fixed = spawnSync('git', ['commit', '-e', '-F', reopen!], { cwd, env: { ...repo.env, GIT_EDITOR: editor }, encoding: 'utf8' });
    expect(fixed.status).toBe(0);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('use key the key');
  });

  it("greps for the rules of the keyguard that ran last, not of the one that wrote the hook", () => {
    const repo = guarded();
    const prefilter = join(repo.dir, '.git/keyguard/message-prefilter');
    expect(readFileSync(prefilter, 'utf8')).toContain('amzn\\.mws\\.'); // written by install
    // An MWS token has no other keyword and no 24-character run: only its rule's keyword lets Node start.
    const message = `grant the seller app amzn.mws.${randomUUID()}`;
    // As an older keyguard left it, before the rule existed; the pre-commit run of this commit renews it.
    writeFileSync(prefilter, 'AKIA|secret\n');
    repo.write('a.txt', 'a\n').git('add', '.');
    expect(repo.tryGit('commit', '-m', message).stderr).toMatch(/its message holds a secret/);
    expect(readFileSync(prefilter, 'utf8')).toContain('amzn\\.mws\\.');
    // A merge runs no pre-commit: without the file, keyguard runs on every message.
    rmSync(prefilter);
    expect(repo.tryGit('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', 'a')).toMatchObject({ code: 0 });
    repo.git('checkout', '-q', '-b', 'side', 'HEAD~1');
    repo.commit('side work', { 'b.txt': 'b\n' });
    repo.git('checkout', '-q', 'main');
    expect(repo.tryGit('merge', '--no-ff', '-m', message, 'side').stderr).toMatch(/its message holds a secret/);
  });
});

describe('prepare-commit-msg', () => {
  it('blocks a merge that brings in a commit holding a key', () => {
    const repo = guarded();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('add credentials', { 'deploy/env': `AWS_ACCESS_KEY_ID=${id}\n` });
    repo.commit('more work', { 'b.txt': 'b\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('main work', { 'c.txt': 'c\n' });
    const blocked = repo.tryGit('merge', '--no-edit', 'feature');
    expectBlocked(blocked, /keyguard blocked this merge/);
    expect(repo.git('rev-list', '--count', 'HEAD').trim()).toBe('2');
  });

  it('lets a clean merge through', () => {
    const repo = guarded();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('work', { 'b.txt': 'b\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('main work', { 'c.txt': 'c\n' });
    expect(repo.tryGit('merge', '--no-edit', 'feature').code).toBe(0);
  });
});

describe('pre-push', () => {
  function withRemote(): Repo {
    const repo = guarded();
    const remote = sandbox.repo(`remote-${count}.git`, { bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.git('push', '-q', '-u', 'origin', 'main');
    return repo;
  }

  it('blocks a push of a commit that skipped the commit hooks (cherry-pick, rebase, am, --no-verify)', () => {
    const repo = withRemote();
    repo.commit('sneak in', { 'deploy/env': `AWS_ACCESS_KEY_ID=${id}\n` });
    repo.commit('clean on top', { 'd.txt': 'd\n' });
    const blocked = repo.tryGit('push', 'origin', 'main');
    expectBlocked(blocked, /keyguard blocked this push/);
    expect(blocked.stderr).toContain('deploy/env:1');
    expect(repo.git('ls-remote', 'origin', 'main').slice(0, 40)).not.toBe(repo.git('rev-parse', 'HEAD').slice(0, 40));
  });

  it('scans a new branch only for commits the remote lacks, and lets a clean one through', () => {
    const repo = withRemote();
    // A key the remote already has (pushed past the hooks) is not this push's doing.
    repo.commit('old key', { 'legacy.env': `AWS_ACCESS_KEY_ID=${id}\n` });
    repo.git('push', '-q', '--no-verify', 'origin', 'main');
    repo.git('checkout', '-q', '-b', 'topic');
    repo.commit('clean', { 'e.txt': 'e\n' });
    expect(repo.tryGit('push', '-q', 'origin', 'topic').code).toBe(0);
  });
});
