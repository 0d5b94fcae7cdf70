import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciRange } from '../src/ci/range.js';
import { keyguard } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { Repo, Sandbox } from './helpers/repo.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

/** The environment of a GitHub Actions run of this event. */
function github(name: string, event: object, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const path = sandbox.path(`event-${name}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(event));
  return { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path, ...extra };
}

describe('ciRange: which commits a CI run gates', () => {
  it('takes a pull request from base.sha to head.sha, not the merge commit', () => {
    const env = github('pull_request', { number: 7, pull_request: { number: 7, base: { sha: A, ref: 'main' }, head: { sha: B } } }, { GITHUB_BASE_REF: 'main' });
    expect(ciRange(env)).toEqual({ base: A, head: B, origin: 'GitHub pull_request #7' });
  });

  it('takes a push from before to after, and a new branch from the default branch', () => {
    expect(ciRange(github('push', { before: A, after: B, ref: 'refs/heads/topic' }))).toMatchObject({ base: A, head: B });
    expect(ciRange(github('push', { before: ZERO, after: B, ref: 'refs/heads/topic', repository: { default_branch: 'main' } }))).toMatchObject({ base: 'refs/remotes/origin/main', head: B });
  });

  it('refuses a push it cannot gate: the first push of the default branch, a deleted branch', () => {
    expect(() => ciRange(github('push', { before: ZERO, after: B, ref: 'refs/heads/main', repository: { default_branch: 'main' } }))).toThrow(/first push of main.*scan-history/);
    expect(() => ciRange(github('push', { before: A, after: ZERO, deleted: true }))).toThrow(/deleted/);
  });

  it('falls back to GITHUB_BASE_REF, and says what to do on other events', () => {
    expect(ciRange(github('pull_request', {}, { GITHUB_BASE_REF: 'develop' }))).toMatchObject({ base: 'refs/remotes/origin/develop', head: 'HEAD' });
    expect(() => ciRange(github('release', {}))).toThrow(/GitHub Actions event "release": pass --base REF/);
  });

  it('says which file it could not read', () => {
    expect(() => ciRange({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: sandbox.path('missing.json') })).toThrow(/GITHUB_EVENT_PATH .*missing\.json: cannot read/);
  });

  it('reads GitLab merge requests (the source head in merged-results pipelines) and pushes', () => {
    const gitlab = { CI: 'true', GITLAB_CI: 'true', CI_COMMIT_SHA: B, CI_DEFAULT_BRANCH: 'main' };
    expect(ciRange({ ...gitlab, CI_MERGE_REQUEST_DIFF_BASE_SHA: A, CI_MERGE_REQUEST_IID: '3' })).toEqual({ base: A, head: B, origin: 'GitLab merge request !3' });
    expect(ciRange({ ...gitlab, CI_MERGE_REQUEST_DIFF_BASE_SHA: A, CI_COMMIT_SHA: 'c'.repeat(40), CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: B })).toMatchObject({ base: A, head: B });
    // The policy comes from the target branch's tip: its SHA in merged-results pipelines, else its origin/ ref.
    expect(ciRange({ ...gitlab, CI_MERGE_REQUEST_DIFF_BASE_SHA: A, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' })).toMatchObject({ base: A, tip: 'refs/remotes/origin/main' });
    expect(ciRange({ ...gitlab, CI_MERGE_REQUEST_DIFF_BASE_SHA: A, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_MERGE_REQUEST_TARGET_BRANCH_SHA: ZERO.replace(/0/g, 'c') })).toMatchObject({ tip: 'c'.repeat(40) });
    expect(ciRange({ ...gitlab, CI_COMMIT_BEFORE_SHA: A, CI_COMMIT_BRANCH: 'main' })).toMatchObject({ base: A, head: B });
    expect(ciRange({ ...gitlab, CI_COMMIT_BEFORE_SHA: ZERO, CI_COMMIT_BRANCH: 'topic' })).toMatchObject({ base: 'refs/remotes/origin/main', head: B });
  });

  it('lets --base win over the environment, and asks for it anywhere else', () => {
    expect(ciRange(github('push', { before: A, after: B }), { base: 'origin/main' })).toEqual({ base: 'origin/main', head: 'HEAD', origin: '--base origin/main' });
    expect(() => ciRange({})).toThrow(/neither GitHub Actions nor GitLab CI\): pass --base REF/);
  });
});

describe('keyguard ci in a real repository', () => {
  const prSecretId = fakeKeyId('ci-pr');
  const messageKey = fakeKeyId('ci-message');
  const mainKey = fakeKeyId('ci-main');
  const oldKey = fakeKeyId('ci-old');
  let origin: Repo;
  let clone: Repo;
  let base: string;
  let first: string;
  let head: string;

  beforeAll(() => {
    origin = sandbox.repo('origin');
    origin.commit('old secret, before the pull request', { 'old.env': `AWS_ACCESS_KEY_ID=${oldKey}\n` });
    base = origin.commit('base', { 'README.md': 'hello\n' });
    origin.git('checkout', '-q', '-b', 'topic');
    first = origin.commit('clean start', { 'app.js': 'console.log(1)\n' });
    origin.commit('add config', { 'deploy/prod.env': `AWS_ACCESS_KEY_ID=${prSecretId}\n` });
    origin.commit(`rotate to ${messageKey}`, { 'deploy/prod.env': 'AWS_ACCESS_KEY_ID=\n' });
    head = origin.git('rev-parse', 'HEAD').trim();
    origin.git('checkout', '-q', 'main');
    // The base branch moves on after the branch point, with a secret of its own the gate must not blame on the PR.
    origin.commit('main moves on', { 'main.env': `AWS_ACCESS_KEY_ID=${mainKey}\n` });
    origin.git('clone', '-q', '--no-local', origin.dir, sandbox.path('clone'));
    clone = new Repo(sandbox.path('clone'), sandbox.env);
  });

  const run = (repo: Repo, args: string[], env: NodeJS.ProcessEnv) => keyguard(['ci', ...args], { cwd: repo.dir, env: { ...sandbox.env, ...env } });

  it('takes the pull request range from the event file: every commit and message of the PR, nothing else', () => {
    const env = github('pull_request', { number: 1, pull_request: { number: 1, base: { sha: origin.git('rev-parse', 'main').trim(), ref: 'main' }, head: { sha: head } } }, { GITHUB_BASE_REF: 'main' });
    const { code, stdout, stderr } = run(clone, ['--format', 'json'], env);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const findings = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(findings.map((f) => [f.file, f.match])).toEqual(expect.arrayContaining([['deploy/prod.env', expect.stringMatching(/^AKIA/)]]));
    expect(findings.some((f) => f.message === true)).toBe(true);
    expect(findings.every((f) => f.file !== 'main.env' && f.file !== 'old.env')).toBe(true);
  });

  it('runs the GitLab recipe\'s command on a merge request: JUnit report written, job failed', () => {
    const recipe = readFileSync(new URL('../examples/gitlab-ci.yml', import.meta.url), 'utf8');
    const args = /- npx keyguard (.+)/.exec(recipe)![1].split(' ');
    const env = { CI: 'true', GITLAB_CI: 'true', CI_MERGE_REQUEST_DIFF_BASE_SHA: base, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_COMMIT_SHA: head, CI_MERGE_REQUEST_IID: '4' };
    const { code } = keyguard(args, { cwd: clone.dir, env: { ...sandbox.env, ...env } });
    expect(code).toBe(1);
    const report = readFileSync(sandbox.path('clone', 'keyguard-junit.xml'), 'utf8');
    expect(report).toMatch(/<testsuite name="keyguard: GitLab merge request !4 /);
    expect(report).toContain('deploy/prod.env');
    expect(report).not.toContain(prSecretId);
  });

  it('takes a push from before to after', () => {
    const env = github('push', { before: base, after: first, ref: 'refs/heads/topic' });
    expect(run(clone, [], env).code).toBe(0);
  });
});

describe('keyguard ci reads the policy from the base commit', () => {
  const key = fakeKeyId('ci-self-allow');
  let repo: Repo;
  let base: string;

  beforeAll(() => {
    repo = sandbox.repo('policy');
    base = repo.commit('base', { 'README.md': 'hello\n' });
    repo.git('checkout', '-q', '-b', 'sneaky');
    repo.commit('add config and allow it', { 'deploy/prod.env': `AWS_ACCESS_KEY_ID=${key}\n`, '.keyguardallow': 'path deploy/** # needed for the deploy\n' });
  });

  const gate = (args: string[], from = base) => keyguard(['ci', '--base', from, ...args], { cwd: repo.dir, env: sandbox.env });

  it('fails a change that allowlists its own secret, saying the entry has to land first', () => {
    const { code, stdout, stderr } = gate(['--format', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ file: 'deploy/prod.env', ruleId: 'aws-access-key-id' })]);
    expect(stderr).toMatch(/keyguard: notice: this change edits \.keyguardallow; the gate reads it from the base commit/);
    expect(stderr).toMatch(/keyguard: error: deploy\/prod\.env:1: the allowlist .* is added by the same change .* has to land first through review/);
    expect(stderr).not.toContain(key);
  });

  it('says so as workflow commands under --format github', () => {
    const { code, stdout } = gate(['--format', 'github']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^::notice::this change edits \.keyguardallow/m);
    expect(stdout).toMatch(/^::error::deploy\/prod\.env:1: .*has to land first through review/m);
    expect(stdout).toMatch(/^::error file=deploy\/prod\.env,line=1,/m);
  });

  it('fails a change that allows its own secret with an inline comment', () => {
    repo.git('checkout', '-q', '-b', 'inline', base);
    repo.commit('add config with an inline allow', { 'deploy/inline.env': `AWS_ACCESS_KEY_ID=${fakeKeyId('inline')} # keyguard:allow trust me\n` });
    const { code, stdout, stderr } = gate(['--format', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ file: 'deploy/inline.env' })]);
    expect(stderr).toMatch(/keyguard: error: deploy\/inline\.env:1: the inline allow comment .* is added by the same change .* has to land first through review/);
    repo.git('checkout', '-q', 'sneaky');
  });

  it('fails a change that hides its secret behind a .gitattributes -diff entry', () => {
    repo.git('checkout', '-q', '-b', 'attributes', base);
    repo.commit('add config marked binary', { '.gitattributes': 'secret.ini -diff\n', 'secret.ini': `AWS_ACCESS_KEY_ID=${fakeKeyId('attributes')}\n` });
    const { code, stdout } = gate(['--format', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ file: 'secret.ini', line: 1 })]);
    repo.git('checkout', '-q', 'sneaky');
  });

  it('passes once the allow entry is on the base commit', () => {
    repo.git('checkout', '-q', 'main');
    const reviewed = repo.commit('allow deploy config after review', { '.keyguardallow': 'path deploy/** # needed for the deploy\n' });
    repo.git('checkout', '-q', '-b', 'honest');
    repo.commit('add config', { 'deploy/prod.env': `AWS_ACCESS_KEY_ID=${key}\n` });
    const { code, stderr } = gate([], reviewed);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('keyguard ci reads the policy at the base branch\'s tip, not where the change branched off', () => {
  const key = fakeKeyId('ci-dropped-allow');
  let repo: Repo;
  let fork: string;
  let tip: string;
  let head: string;

  beforeAll(() => {
    // main allows vendor/**, a branch leaves, main drops the entry (and the baseline that held the key), and the
    // branch then adds a key under vendor/.
    repo = sandbox.repo('dropped');
    repo.commit('base', { 'README.md': 'hello\n' });
    fork = repo.commit('allow vendor', { '.keyguardallow': 'path vendor/** # third-party code\n', '.gitallowed': 'vendored-key\n' });
    repo.git('checkout', '-q', '-b', 'old-branch');
    head = repo.commit('vendor a config', { 'vendor/k.env': `AWS_ACCESS_KEY_ID=${key} # vendored-key\n` });
    repo.git('checkout', '-q', 'main');
    repo.git('rm', '-q', '.keyguardallow', '.gitallowed');
    tip = repo.commit('vendor/ is ours now: no more blanket allow');
    repo.git('checkout', '-q', 'old-branch');
  });

  const expectDropped = ({ code, stdout, stderr }: { code: number; stdout: string; stderr: string }) => {
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ file: 'vendor/k.env', ruleId: 'aws-access-key-id' })]);
    expect(stderr).toMatch(new RegExp(`keyguard: error: vendor/k\\.env:1: the .* is gone from the base branch: this change branched off at ${fork.slice(0, 12)}, and the base commit ${tip.slice(0, 12)} no longer accepts it`));
    // The branch did not edit the allowlist: no notice says it did.
    expect(stderr).not.toMatch(/this change edits/);
    expect(stderr).not.toContain(key);
  };

  it('fails with --base: the entry the branch inherited no longer counts', () => {
    expectDropped(keyguard(['ci', '--base', 'main', '--format', 'json'], { cwd: repo.dir, env: sandbox.env }));
  });

  it('fails under --trust-pr-allows too: the branch did not add the entry, it only inherited it', () => {
    expectDropped(keyguard(['ci', '--base', 'main', '--trust-pr-allows', '--format', 'json'], { cwd: repo.dir, env: sandbox.env }));
  });

  it('fails on a GitHub pull request from pull_request.base.sha', () => {
    const env = github('pull_request', { number: 9, pull_request: { number: 9, base: { sha: tip, ref: 'main' }, head: { sha: head } } });
    expectDropped(keyguard(['ci', '--format', 'json'], { cwd: repo.dir, env: { ...sandbox.env, ...env } }));
  });

  it('fails on a GitLab merge request, whose diff base is the branch point', () => {
    repo.git('update-ref', 'refs/remotes/origin/main', tip);
    const env = { CI: 'true', GITLAB_CI: 'true', CI_MERGE_REQUEST_DIFF_BASE_SHA: fork, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_COMMIT_SHA: head, CI_MERGE_REQUEST_IID: '5' };
    expectDropped(keyguard(['ci', '--format', 'json'], { cwd: repo.dir, env: { ...sandbox.env, ...env } }));
  });

  it('exits 2 naming the target branch when the clone lacks it', () => {
    const env = { CI: 'true', GITLAB_CI: 'true', CI_MERGE_REQUEST_DIFF_BASE_SHA: fork, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'release', CI_COMMIT_SHA: head };
    const { code, stderr } = keyguard(['ci'], { cwd: repo.dir, env: { ...sandbox.env, ...env } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^keyguard: the target branch refs\/remotes\/origin\/release is not (a commit in this repository|in this clone)/);
  });

  it('reads a --baseline in the repository at the tip too', () => {
    const baselined = sandbox.repo('dropped-baseline');
    baselined.commit('base', { 'README.md': 'hello\n' });
    // The baseline holds the key's fingerprint at the branch point; main deletes it later.
    baselined.write('vendor/k.env', `AWS_ACCESS_KEY_ID=${key}\n`);
    expect(baselined.keyguard(['baseline', 'create', '.keyguard-baseline.json']).code).toBe(0);
    const branchPoint = baselined.commit('baseline', { 'vendor/k.env': '' });
    baselined.git('checkout', '-q', '-b', 'old-branch');
    baselined.commit('vendor a config', { 'vendor/k.env': `AWS_ACCESS_KEY_ID=${key}\n` });
    const run = (base: string) => keyguard(['ci', '--base', base, '--baseline', '.keyguard-baseline.json', '--format', 'json'], { cwd: baselined.dir, env: sandbox.env });
    expect(run(branchPoint).code).toBe(0);
    baselined.git('checkout', '-q', 'main');
    baselined.git('rm', '-q', '.keyguard-baseline.json');
    baselined.commit('no more baseline');
    baselined.git('checkout', '-q', 'old-branch');
    const { code, stdout, stderr } = run('main');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ file: 'vendor/k.env' })]);
    expect(stderr).toMatch(/the baseline .* is gone from the base branch/);
  });

  it('passes the same branch when the base branch still allows it', () => {
    const { code, stderr } = keyguard(['ci', '--base', fork], { cwd: repo.dir, env: sandbox.env });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('keyguard ci in a shallow clone', () => {
  it('exits 2 with the fetch-depth fix when the base is missing', () => {
    const origin = sandbox.repo('deep');
    const base = origin.commit('one', { 'a.txt': '1\n' });
    origin.commit('two', { 'a.txt': '2\n' });
    origin.git('clone', '-q', '--depth', '1', `file://${origin.dir}`, sandbox.path('shallow'));
    const env = github('push', { before: base, after: origin.git('rev-parse', 'HEAD').trim(), ref: 'refs/heads/main' });
    const { code, stdout, stderr } = keyguard(['ci'], { cwd: sandbox.path('shallow'), env: { ...sandbox.env, ...env } });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^keyguard: .*fetch-depth: 0.*git fetch --deepen/);
  });
});
