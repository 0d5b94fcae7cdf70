import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciRange } from '../src/ci/range.js';
import { keyguard } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { Repo, Sandbox } from './helpers/repo.js';

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

describe('keyguard ci reads a --baseline inside the repository from the base, whatever path names it', () => {
  it('through a symlinked workspace, as an absolute path and as the working directory', () => {
    const repo = sandbox.repo('baseline-symlink');
    repo.commit('base', { 'README.md': 'hello\n' });
    expect(repo.keyguard(['baseline', 'create']).code).toBe(0);
    const base = repo.commit('empty baseline');
    repo.git('checkout', '-q', '-b', 'pr');
    repo.commit('add key', { 'creds.ini': `aws_access_key_id = ${fakeKeyId('baseline-symlink')}\n` });
    expect(repo.keyguard(['baseline', 'create']).code).toBe(0);
    repo.commit('the change baselines its own key');
    const workspace = sandbox.path('baseline-symlink-workspace');
    symlinkSync(repo.dir, workspace);
    const gate = (baseline: string, cwd: string) => keyguard(['ci', '--base', base, '--baseline', baseline, '--format', 'json'], { cwd, env: sandbox.env });
    for (const [baseline, cwd] of [
      ['.keyguard-baseline.json', repo.dir],
      [`${workspace}/.keyguard-baseline.json`, repo.dir],
      ['.keyguard-baseline.json', workspace],
      [`${workspace}/.keyguard-baseline.json`, workspace],
    ]) {
      const { code, stdout } = gate(baseline, cwd);
      expect({ baseline, cwd, code }).toEqual({ baseline, cwd, code: 1 });
      expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ file: 'creds.ini' })]);
    }
  });
});

describe('keyguard ci reports the findings whatever the change does to its own policy files', () => {
  it.each([
    ['an allowlist line it cannot read', (repo: Repo) => repo.commit('allowlist', { '.keyguardallow': 'please-ignore\n' }), /\.keyguardallow/],
    ['a .gitallowed lookahead RE2 refuses', (repo: Repo) => repo.commit('gitallowed', { '.gitallowed': '(?=x)\n' }), /\.gitallowed/],
    ['a symbolic link as .keyguardallow', (repo: Repo) => {
      symlinkSync('/etc/passwd', `${repo.dir}/.keyguardallow`);
      repo.git('add', '.keyguardallow');
      return repo.commit('link');
    }, /\.keyguardallow/],
  ])('%s: one warning, the finding reported, exit 1', (name, breakPolicy, named) => {
    const repo = sandbox.repo(`broken-head-${name.replace(/\W/g, '')}`);
    const base = repo.commit('base', { 'a.txt': 'base\n' });
    repo.git('checkout', '-q', '-b', 'pr');
    repo.commit('add key', { 'creds.ini': `aws_access_key_id = ${fakeKeyId(`broken ${name}`)}\n` });
    breakPolicy(repo);
    const sarif = sandbox.path(`broken-head-${name.replace(/\W/g, '')}.sarif`);
    const gate = (args: string[]) => keyguard(['ci', '--base', base, ...args], { cwd: repo.dir, env: sandbox.env });

    const json = gate(['--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ file: 'creds.ini' })]);
    const warnings = json.stderr.split('\n').filter((line) => line.startsWith('keyguard: warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(named);
    expect(json.stderr).not.toMatch(/internal error|\n\s+at /);

    expect(gate(['--format', 'sarif', '--output', sarif]).code).toBe(1);
    expect(existsSync(sarif) && JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results).toHaveLength(1);
    const github = gate(['--format', 'github']);
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::warning::this change's policy files do not load/m);
    expect(github.stdout).toMatch(/^::error file=creds\.ini,line=1,/m);
  });
});

describe('keyguard ci refuses a GitHub event file of the wrong shape, naming the field', () => {
  const event = (name: string, text: string) => {
    const path = sandbox.path(`event-${name}.json`);
    writeFileSync(path, text);
    return { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: path };
  };
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);

  it.each([
    ['null', 'null', /the event is null, not an object/],
    ['an array', '[]', /the event is an array, not an object/],
    ['a null before', JSON.stringify({ before: null, after: B, ref: 'refs/heads/x' }), /field "before" is null, not a string/],
    ['a numeric ref', JSON.stringify({ before: A, after: B, ref: 7 }), /field "ref" is a number, not a string/],
    ['a numeric after', JSON.stringify({ before: A, after: 7 }), /field "after" is a number, not a string/],
    ['a string pull request', JSON.stringify({ pull_request: 'x' }), /field "pull_request" is a string, not an object/],
    ['a null head sha', JSON.stringify({ pull_request: { base: { sha: A }, head: { sha: null } } }), /field "pull_request\.head\.sha" is null, not a string/],
    ['a numeric default branch', JSON.stringify({ before: '0'.repeat(40), after: B, repository: { default_branch: 1 } }), /field "repository\.default_branch" is a number, not a string/],
  ])('%s', (name, text, message) => {
    const env = event(name.replace(/\W/g, '-'), text);
    expect(() => ciRange(env)).toThrow(message);
    expect(() => ciRange(env)).toThrow(/^GITHUB_EVENT_PATH .*event-.*\.json: /);
  });

  it('exits 2 with one line, no internal error', () => {
    const repo = sandbox.repo('event-shape');
    repo.commit('base', { 'a.txt': 'a\n' });
    const { code, stderr } = keyguard(['ci'], { cwd: repo.dir, env: { ...sandbox.env, ...event('cli', JSON.stringify({ before: null, after: B })) } });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^keyguard: .*GITHUB_EVENT_PATH .*field "before" is null, not a string$/)]);
  });

  it('still reads well-formed events, absent fields included', () => {
    expect(ciRange(event('ok-push', JSON.stringify({ before: A, after: B, ref: 'refs/heads/x', deleted: false, repository: { default_branch: 'main' } })))).toMatchObject({ base: A, head: B });
    expect(ciRange(event('ok-pr', JSON.stringify({ number: 3, pull_request: { number: 3, base: { sha: A, ref: 'main' }, head: { sha: B } } })))).toMatchObject({ base: A, head: B });
  });
});
