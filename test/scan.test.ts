import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, keyguard, keyguardJson } from './helpers/cli.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const id = fakeKeyId('scan');
const secret = fakeSecret('scan');
let sandbox: Sandbox;

beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

describe('keyguard scan on files', () => {
  let dir: Repo;
  beforeAll(() => {
    dir = sandbox.repo('plain');
    dir.write('config/.env', `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
    dir.write('clean.txt', 'nothing to see\n');
  });

  it('exits 1 and reports each finding as JSON with its location', () => {
    const { code, findings } = dir.keyguardJson(['scan', '--no-git', '.']);
    expect(code).toBe(1);
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: 'aws-access-key-id', severity: 'critical', file: 'config/.env', line: 1, column: 19, endColumn: 39, match: `${id.slice(0, 4)}${'*'.repeat(12)}${id.slice(-4)}`, commit: null, source: 'file' }),
      expect.objectContaining({ ruleId: 'aws-secret-access-key', file: 'config/.env', line: 2, column: 23, endColumn: 63 }),
    ]);
    expect(findings[0].fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(findings)).not.toContain(secret);
  });

  it('masks secrets in the text report, says what to do, and shows them only with --no-mask', () => {
    const masked = dir.keyguard(['scan', '--no-git', 'config']);
    expect(masked.code).toBe(1);
    expect(masked.stdout).toContain('config/.env:2:23');
    expect(masked.stdout).toMatch(/rotate|Deactivate/i);
    expect(masked.stdout).not.toContain(secret);
    expect(masked.stdout).toMatch(/2 secrets found/);
    const clear = dir.keyguardJson(['scan', '--no-git', 'config', '--no-mask']);
    expect(clear.findings[1].secret).toBe(secret);
  });

  it('exits 0 on clean input', () => {
    const { code, stdout } = dir.keyguard(['scan', '--no-git', 'clean.txt']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/no secrets found/);
  });

  it('reads stdin with -', () => {
    const { code, findings } = keyguardJson(['scan', '-'], { input: `x\nkey=${id}\n` });
    expect(code).toBe(1);
    expect(findings).toEqual([expect.objectContaining({ file: '(stdin)', line: 2, source: 'stdin' })]);
  });

  it('skips binary files with a count, but scans text before a NUL byte', () => {
    const bin = sandbox.repo('binary');
    bin.write('image.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`key=${id}`)]));
    bin.write('notes.txt', Buffer.concat([Buffer.from(`key=${id}\n`), Buffer.from([0, 1, 2, 0]), Buffer.from('\ntrailer\n')]));
    const json = bin.keyguardJson(['scan', '--no-git', '.']);
    expect(json.findings.map((f) => f.file)).toEqual(['notes.txt']);
    expect(bin.keyguard(['scan', '--no-git', '.']).stdout).toMatch(/1 file scanned; 1 binary file skipped/);
  });
});

describe('keyguard scan in a repository', () => {
  let repo: Repo;
  beforeAll(() => {
    repo = sandbox.repo('repo');
    repo.commit('init', { '.gitignore': 'ignored/\n', 'src/app.js': `const id = "${id}";\n` });
    repo.write('src/untracked.js', `const other = "${fakeKeyId('untracked')}";\n`);
    repo.write('ignored/local.env', `KEY=${fakeKeyId('ignored')}\n`);
  });

  it('scans tracked and untracked files, not ignored ones, with repository-relative paths from any directory', () => {
    for (const cwd of [repo.dir, `${repo.dir}/src`]) {
      const { code, findings } = repo.keyguardJson(['scan'], { cwd });
      expect(code).toBe(1);
      expect(findings.map((f) => f.file).sort()).toEqual(['src/app.js', 'src/untracked.js']);
    }
  });

  it('honours .gitignore below a named directory, but scans a named ignored file', () => {
    expect(repo.keyguardJson(['scan', '.']).findings.map((f) => f.file).sort()).toEqual(['src/app.js', 'src/untracked.js']);
    expect(repo.keyguardJson(['scan', 'ignored/local.env']).findings.map((f) => f.file)).toEqual(['ignored/local.env']);
  });

  it('runs as a git subcommand through git-keyguard on PATH', () => {
    const bin = sandbox.path('bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(BIN, `${bin}/git-keyguard`);
    const env = { ...repo.env, PATH: `${bin}:${process.env.PATH}` };
    const result = spawnSync('git', ['keyguard', 'scan', 'src/app.js'], { cwd: repo.dir, env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('src/app.js:1:13');
  });

  it('--no-git walks the directory as it is', () => {
    expect(repo.keyguardJson(['scan', '--no-git', '.']).findings.map((f) => f.file).sort()).toEqual(['ignored/local.env', 'src/app.js', 'src/untracked.js']);
  });
});

describe('errors', () => {
  it.each([
    [['scan', '/no/such/path'], /\/no\/such\/path: no such file or directory/],
    [['scan', '--format', 'xml', '.'], /format/],
    [['scan', '--bogus'], /bogus/],
    [['frobnicate'], /frobnicate/],
    [['scan', '-', 'package.json'], /- \(stdin\) must be the only path/],
  ])('keyguard %j exits 2 with one line', (args, message) => {
    const { code, stderr, stdout } = keyguard(args as string[]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });

  it('outside a repository, scan with no path says what to do', () => {
    const { code, stderr } = keyguard(['scan'], { cwd: sandbox.home, env: sandbox.env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/not in a git work tree: name the paths to scan, or pass --no-git/);
  });
});
