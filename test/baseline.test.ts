import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALLOW_FILES, loadFilters } from '../src/filters/index.js';
import type { Finding } from '../src/types.js';
import { detect } from './helpers/detect.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

const oldKey = fakeKeyId('baseline-old');
const oldSecret = fakeSecret('baseline-old');
let sandbox: Sandbox;

beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

const files = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}`).sort();

describe('keyguard baseline create and --baseline', () => {
  it('hides the findings it recorded and reports a new one', () => {
    const repo = sandbox.repo('adopt');
    repo.commit('old keys', { 'config/prod.env': `AWS_ACCESS_KEY_ID=${oldKey}\nAWS_SECRET_ACCESS_KEY=${oldSecret}\n`, 'b.txt': `id ${oldKey}\n` });
    const created = repo.keyguard(['baseline', 'create']);
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('recorded 3 findings in .keyguard-baseline.json') });
    expect(repo.keyguardJson(['scan', '--baseline', '.keyguard-baseline.json'])).toMatchObject({ code: 0, findings: [] });

    const newKey = fakeKeyId('baseline-new');
    repo.write('new.txt', `key = ${newKey}\n`);
    const { code, findings } = repo.keyguardJson(['scan', '--baseline', '../.keyguard-baseline.json'], { cwd: `${repo.dir}/config` });
    expect(code).toBe(1);
    expect(files(findings)).toEqual(['new.txt:1']);
  });

  it('holds no secret in clear, sorts its entries, and does not change when unrelated lines move', () => {
    const repo = sandbox.repo('stable');
    repo.write('z.txt', `key = ${oldKey}\n`).write('a/b.env', `AWS_SECRET_ACCESS_KEY=${oldSecret}\nAWS_ACCESS_KEY_ID=${oldKey}\n`);
    repo.keyguard(['baseline', 'create', 'base.json']);
    const first = readFileSync(`${repo.dir}/base.json`, 'utf8');
    expect(first).not.toContain(oldKey);
    expect(first).not.toContain(oldSecret);
    const entries = JSON.parse(first).findings as Array<{ file: string; rule: string; preview: string }>;
    expect(entries.map((e) => `${e.file} ${e.rule}`)).toEqual(['a/b.env aws-access-key-id', 'a/b.env aws-secret-access-key', 'z.txt aws-access-key-id']);
    expect(entries[0].preview).toMatch(/^AKIA\*+/);

    repo.write('z.txt', `first\nsecond\n\nkey = ${oldKey}\n`);
    repo.keyguard(['baseline', 'create', 'base.json']);
    expect(readFileSync(`${repo.dir}/base.json`, 'utf8')).toBe(first);
  });

  it('is an error (exit 2) when the baseline is missing or not one', () => {
    const repo = sandbox.repo('bad-baseline');
    repo.write('x.json', '{"findings": 3}');
    expect(repo.keyguard(['scan', '--baseline', 'nope.json'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--baseline nope\.json: no such file/) });
    expect(repo.keyguard(['scan', '--baseline', 'x.json'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/x\.json: not a keyguard baseline/) });
  });

  it('never writes over a file that is not a keyguard baseline', () => {
    const repo = sandbox.repo('mistyped-baseline');
    repo.commit('old key', { 'a.env': `AWS_ACCESS_KEY_ID=${oldKey}\n` });
    const manifest = '{ "name": "app", "version": "1.0.0" }\n';
    repo.write('package.json', manifest);
    expect(repo.keyguard(['baseline', 'create', 'package.json'])).toMatchObject({
      code: 2,
      stderr: 'keyguard: package.json: there is a file there that is not a keyguard baseline, and keyguard replaces only its own (name another file, or remove this one)\n',
    });
    expect(readFileSync(`${repo.dir}/package.json`, 'utf8')).toBe(manifest);
    // Its own baseline is replaced, and so is an empty file.
    repo.write('empty.json', '');
    for (const file of ['.keyguard-baseline.json', '.keyguard-baseline.json', 'empty.json']) {
      expect(repo.keyguard(['baseline', 'create', file]).code).toBe(0);
    }
    expect(JSON.parse(readFileSync(`${repo.dir}/empty.json`, 'utf8')).findings).toHaveLength(1);
    // A link the repository brought, to a file not there yet, is not written through.
    const outside = sandbox.path('outside-baseline.json');
    symlinkSync(outside, `${repo.dir}/linked.json`);
    expect(repo.keyguard(['baseline', 'create', 'linked.json'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/linked\.json is a symbolic link/) });
    expect(existsSync(outside)).toBe(false);
  });

  it('--history records keys that only the history still holds', () => {
    const repo = sandbox.repo('history');
    repo.commit('add', { 'old.txt': `key = ${oldKey}\n` });
    repo.commit('remove', { 'old.txt': 'gone\n' });
    repo.keyguard(['baseline', 'create', '--history']);
    const baseline = JSON.parse(readFileSync(`${repo.dir}/.keyguard-baseline.json`, 'utf8'));
    expect(baseline.findings).toEqual([expect.objectContaining({ file: 'old.txt', rule: 'aws-access-key-id' })]);
    expect(repo.keyguardJson(['scan-history', '--baseline', '.keyguard-baseline.json'])).toMatchObject({ code: 0, findings: [] });
    expect(repo.keyguardJson(['scan-history']).code).toBe(1);
  });

  it('--history records what annotated tags\' messages hold, as scan-history reports them', () => {
    const repo = sandbox.repo('history-tags');
    repo.commit('add', { 'a.txt': 'a\n' });
    repo.git('tag', '-a', 'v1.0', '-m', `release\n\nkey = ${oldKey}\n`);
    repo.keyguard(['baseline', 'create', '--history']);
    const baseline = JSON.parse(readFileSync(`${repo.dir}/.keyguard-baseline.json`, 'utf8'));
    expect(baseline.findings).toEqual([expect.objectContaining({ file: '(tag v1.0)', rule: 'aws-access-key-id' })]);
    expect(repo.keyguardJson(['scan-history', '--baseline', '.keyguard-baseline.json'])).toMatchObject({ code: 0, findings: [] });
    expect(repo.keyguardJson(['scan-history', '--incremental', '--baseline', '.keyguard-baseline.json'])).toMatchObject({ code: 0, findings: [] });
    expect(repo.keyguardJson(['scan-history']).code).toBe(1);
  });
});

describe('loadFilters with readRepoFile (the CI gate reads policy files from the base commit)', () => {
  const finding = (): Finding => detect(`key = ${oldKey}\n`, 'src/a.txt')[0];
  // In-process, loadFilters' git config read uses this process's environment: the sandbox's, not the machine's.
  beforeAll(() => {
    for (const name of ['HOME', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM'] as const) vi.stubEnv(name, sandbox.env[name]!);
  });
  afterAll(() => vi.unstubAllEnvs());

  it('takes the allowlist, .gitallowed and a repository baseline from the reader, not the work tree', async () => {
    const repo = sandbox.repo('reader');
    repo.write('.keyguardallow', 'path src/**\n').write('.gitallowed', '.*\n').write('base.json', '{"format":"keyguard-baseline/1","findings":[]}');
    const asked: string[] = [];
    const fromBase = await loadFilters({ cwd: repo.dir, root: repo.dir, baseline: 'base.json', readRepoFile: (path) => (asked.push(path), null) });
    expect(asked.sort()).toEqual([...ALLOW_FILES, 'base.json'].sort());
    expect(fromBase.every((filter) => filter.keep(finding()))).toBe(true);
    const fromWorkTree = await loadFilters({ cwd: repo.dir, root: repo.dir });
    expect(fromWorkTree.find((filter) => !filter.keep(finding()))?.name).toBe('allowlist .keyguardallow');
  });
});
