import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AllowEntry, allowlistFilter, parseAllowlist } from '../src/filters/allowlist.js';
import { LinearRegex } from '../src/filters/linear-regex.js';
import { keyguard } from './helpers/cli.js';
import { detect } from './helpers/detect.js';
import { EXAMPLE_KEY_ID, fakeKeyId } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const real = fakeKeyId('allowlist-real');
const allowedValue = fakeKeyId('allowlist-allowed');
let sandbox: Sandbox;

beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

/** A repository with a key in a fixture, one in the code, and a line holding an allowed value beside a real key. */
function repoWith(name: string, allowlist: string): Repo {
  const repo = sandbox.repo(name);
  repo.write('.keyguardallow', allowlist);
  repo.write('test/fixtures/keys.txt', `key = ${fakeKeyId('fixture')}\n`);
  repo.write('src/app/config.txt', `key = ${real}\n`);
  repo.write('src/app/both.txt', `keys: ${allowedValue} ${real}\n`);
  return repo;
}

const located = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}:${f.column}`).sort();

describe('.keyguardallow entries', () => {
  it('an allowed value on the same line as a real key hides the value only', () => {
    const repo = repoWith('value', `value ${allowedValue}  # documented example\npath test/fixtures/**\n`);
    const { code, findings } = repo.keyguardJson(['scan']);
    expect(code).toBe(1);
    expect(located(findings)).toEqual(['src/app/both.txt:1:28', 'src/app/config.txt:1:7']);
  });

  it('path globs are repository-relative, so they hold from a subdirectory', () => {
    const repo = repoWith('subdir', 'path test/fixtures/**\npath src/app/both.txt\n');
    const { findings } = repo.keyguardJson(['scan'], { cwd: `${repo.dir}/src/app` });
    expect(located(findings)).toEqual(['src/app/config.txt:1:7']);
    const inside = repo.keyguardJson(['scan', '.'], { cwd: `${repo.dir}/test` });
    expect(inside).toMatchObject({ code: 0, findings: [] });
  });

  it('a fingerprint allows that one finding, and regex and rule= narrow what they accept', () => {
    const repo = repoWith('fingerprint', 'path test/fixtures/**\n');
    const [both] = repo.keyguardJson(['scan', 'src/app/both.txt']).findings.filter((f) => f.column === 7);
    repo.write('.keyguardallow', `path test/fixtures/**\nfingerprint ${both.fingerprint}\nregex ^${real.slice(0, 10)} rule=aws-account-id\n`);
    expect(located(repo.keyguardJson(['scan']).findings)).toEqual(['src/app/both.txt:1:28', 'src/app/config.txt:1:7']);
    repo.write('.keyguardallow', `path test/fixtures/**\nregex ^${real.slice(0, 10)}[A-Z2-7]+$ rule=aws-access-key-id path=src/**\n`);
    expect(located(repo.keyguardJson(['scan']).findings)).toEqual(['src/app/both.txt:1:7']);
  });

  it('reads CRLF files and comments', () => {
    const repo = repoWith('crlf', '# fixtures\r\n\r\npath test/fixtures/**   # generated\r\nvalue ' + real + '\r\n');
    expect(located(repo.keyguardJson(['scan']).findings)).toEqual(['src/app/both.txt:1:7']);
  });

  it.each([
    ['allow test/**', /\.keyguardallow:2: unknown key "allow"/],
    ['path docs/** reason=x', /\.keyguardallow:2: unknown key "reason"/],
    ['regex (unclosed', /\.keyguardallow:2: invalid regex "\(unclosed"/],
    ['regex (?<=AKIA)X', /\.keyguardallow:2: invalid regex .*RE2 syntax/],
    ['fingerprint abc', /\.keyguardallow:2: "abc" is not a fingerprint/],
    ['value', /\.keyguardallow:2: "value" needs a value/],
    ['path docs/** rule=aws-access-key', /\.keyguardallow:2: rule=aws-access-key: no such rule \(built-in: aws-access-key-id, /],
    ['value-sha256 abc', /\.keyguardallow:2: "abc" is not a SHA-256/],
  ])('refuses a bad entry (%s) with file and line, exit 2', (entry, message) => {
    const repo = repoWith(`bad-${entry.replace(/\W/g, '')}`, `# ok\n${entry}\n`);
    const result = repo.keyguard(['scan']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reports every bad line of the file at once, each with its line, exit 2', () => {
    const repo = repoWith('bad-many', `path test/fixtures/**\nallow x\nvalue AKIA rule=nope\n# fine\nregex (\nfingerprint 123\n`);
    const result = repo.keyguard(['scan']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n').map((line) => line.replace(/^(keyguard: \.keyguardallow:\d+:).*/, '$1'))).toEqual([2, 3, 5, 6].map((n) => `keyguard: .keyguardallow:${n}:`));
  });

  it('takes rule= for the rules git configuration adds', () => {
    const repo = repoWith('configured-rule', 'path test/fixtures/** rule=git-secrets-pattern-0123456789ab\npath test/fixtures/**\n');
    expect(repo.keyguard(['scan']).code).toBe(1);
  });

  it('a value-sha256 entry accepts the secret it hashes, narrowed by path= and rule=', () => {
    const sha = createHash('sha256').update(real).digest('hex');
    const repo = repoWith('sha', `path test/fixtures/**\nvalue-sha256 ${sha} path=src/app/config.txt\n`);
    expect(located(repo.keyguardJson(['scan']).findings)).toEqual(['src/app/both.txt:1:28', 'src/app/both.txt:1:7']);
    repo.write('.keyguardallow', `path test/fixtures/**\nvalue-sha256 ${sha} rule=aws-account-id\n`);
    expect(located(repo.keyguardJson(['scan']).findings)).toHaveLength(3);
  });

  it('is never read through a symbolic link, whose target would be printed in the errors', () => {
    const outside = sandbox.path('runner-credentials');
    const token = `ghp_${'x7Kq2'.repeat(7)}A`;
    writeFileSync(outside, `GITHUB_TOKEN=${token}\n`);
    for (const file of ['.keyguardallow', '.gitallowed']) {
      const repo = sandbox.repo(`linked-${file.slice(1)}`);
      symlinkSync(outside, `${repo.dir}/${file}`);
      repo.commit('a link in place of the allowlist');
      for (const args of [['scan'], ['scan', '--no-git', '.'], ['scan-history']]) {
        const result = repo.keyguard(args);
        expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toBe(`keyguard: ${file} is a symbolic link: keyguard reads allowlists and baselines only as regular files (a link can point out of the repository)\n`);
      }
    }
  });

  it('is refused as a symbolic link in the index too, whose blob is the target\'s name', () => {
    const repo = sandbox.repo('staged-link');
    repo.commit('first', { 'README.md': '# project\n' });
    expect(repo.keyguard(['install']).code).toBe(0);
    symlinkSync('path **', `${repo.dir}/.keyguardallow`); // read as an entry, it would allow everything
    repo.write('config.ini', `key = ${real}\n`).git('add', '.');
    expect(repo.git('ls-files', '-s', '.keyguardallow')).toMatch(/^120000 /);
    const refusal = 'keyguard: .keyguardallow is a symbolic link: keyguard reads allowlists and baselines only as regular files (a link can point out of the repository)\n';
    expect(repo.keyguard(['scan', '--staged'])).toMatchObject({ code: 2, stderr: refusal });
    const commit = repo.tryGit('commit', '-m', 'add config');
    expect(commit.code).not.toBe(0);
    expect(commit.stderr.startsWith(refusal)).toBe(true);
    expect(repo.git('rev-list', '--count', 'HEAD').trim()).toBe('1');
  });

  it('a catastrophic regex cannot hang the scan: user regexes run in RE2', () => {
    const pathological = new LinearRegex('^(a+)+$', 'test');
    const started = performance.now();
    expect(pathological.test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);

    const repo = repoWith('redos', 'regex ^(a|aa|[A-Z0-9]+)*$\nregex (A+)+B\n');
    repo.write('long.txt', `key = ${'A'.repeat(5000)}${fakeKeyId('long')}\n`);
    const result = repo.keyguard(['scan']);
    expect(result.code).toBe(0); // the first regex matches every key: all allowed, and quickly
  }, 20_000);
});

describe('a large allowlist', () => {
  const many = Array.from({ length: 100_000 }, (_, i) => fakeKeyId(`bulk-${i}`));
  many.push(fakeKeyId('bulk-ruled'));
  const bulkAllowlist = `${many.map((value, i) => `value ${value}${i === 100_000 ? ' rule=aws-access-key-id' : ''}`).join('\n')}\npath vendor/**\nregex ^AKIAZZZZ\nfingerprint ${'0'.repeat(32)}\n`;

  it('filters in work linear in its size: each finding tries only the entries that could accept it', () => {
    let tries = 0;
    const counted = parseAllowlist(bulkAllowlist, '.keyguardallow').map(
      (entry): AllowEntry => ({ ...entry, allows: (finding) => (tries++, entry.allows(finding)) }),
    );
    const filter = allowlistFilter(counted, '.keyguardallow');
    // The allowlist's own lines, as a scan of the file sees them, then every value again in another file.
    const ownLines = detect(bulkAllowlist, '.keyguardallow');
    const elsewhere = detect(`${many.join('\n')}\n${real}\n`, 'src/keys.txt');
    expect(ownLines.length).toBeGreaterThanOrEqual(many.length);
    expect(ownLines.filter((finding) => filter.keep(finding))).toEqual([]);
    expect(elsewhere.filter((finding) => filter.keep(finding)).map((finding) => finding.secret)).toEqual([real]);
    // One value entry and the two pattern entries per finding at most; a scan of every entry would be 10^10.
    expect(tries).toBeLessThanOrEqual(3 * (ownLines.length + elsewhere.length));
  });

  it('a repository with 100,000 allowed values scans, and scans its history, in seconds', () => {
    const repo = sandbox.repo('bulk');
    repo.commit('allow many', { '.keyguardallow': bulkAllowlist });
    repo.commit('use them', { 'src/keys.txt': `${many.slice(0, 1000).join('\n')}\nkey = ${real}\n` });
    for (const command of ['scan', 'scan-history']) {
      const started = performance.now();
      const { code, findings } = repo.keyguardJson([command]);
      expect(performance.now() - started).toBeLessThan(45_000); // linear: ~3 s; the quadratic filter took minutes
      expect(code).toBe(1);
      expect(findings.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/keys.txt:1001']);
    }
  }, 120_000);
});

describe('keyguard allow', () => {
  it('appends a fingerprint entry with its reason, once', () => {
    const repo = repoWith('allow-cmd', '');
    const [finding] = repo.keyguardJson(['scan', 'src/app/config.txt']).findings;
    const first = repo.keyguard(['allow', String(finding.fingerprint), '--reason', 'rotated\nlong ago']);
    expect(first).toMatchObject({ code: 0 });
    expect(repo.keyguard(['allow', String(finding.fingerprint)]).stdout).toContain('already allowed by .keyguardallow:1');
    expect(readFileSync(`${repo.dir}/.keyguardallow`, 'utf8')).toBe(`fingerprint ${finding.fingerprint}  # rotated long ago\n`);
    expect(repo.keyguardJson(['scan', 'src/app/config.txt'])).toMatchObject({ code: 0, findings: [] });
  });

  it('writes a new file with the format explained, from a subdirectory, at the top of the repository', () => {
    const repo = sandbox.repo('allow-new');
    repo.write('docs/guide.md', `key = ${real}\n`).write('src/x.txt', `key = ${real}\n`);
    expect(repo.keyguard(['allow', real, '--path', 'docs/**'], { cwd: `${repo.dir}/docs` }).code).toBe(0);
    const text = readFileSync(`${repo.dir}/.keyguardallow`, 'utf8');
    expect(text).toMatch(/^# keyguard allowlist/);
    expect(text.endsWith(`\nvalue-sha256 ${createHash('sha256').update(real).digest('hex')} path=docs/**\n`)).toBe(true);
    expect(text).not.toContain(real);
    expect(located(repo.keyguardJson(['scan']).findings)).toEqual(['src/x.txt:1:7']);
  });

  it('keeps CRLF line ends and a missing last newline', () => {
    const repo = repoWith('allow-crlf', 'path test/fixtures/**\r\npath docs/**');
    repo.keyguard(['allow', real, '--plain']);
    expect(readFileSync(`${repo.dir}/.keyguardallow`, 'utf8')).toBe(`path test/fixtures/**\r\npath docs/**\r\nvalue ${real}\r\n`);
  });

  it('stores a live key as its SHA-256 and names the entry it wrote; --plain writes it in clear', () => {
    const repo = repoWith('allow-hash', 'path test/fixtures/**\n');
    const sha = createHash('sha256').update(real).digest('hex');
    const hashed = repo.keyguard(['allow', real, '--path', 'src/**']);
    expect(hashed.code).toBe(0);
    expect(hashed.stdout).toContain(`added .keyguardallow:2: value-sha256 ${sha} path=src/**`);
    expect(hashed.stdout).not.toContain(real);
    expect(readFileSync(`${repo.dir}/.keyguardallow`, 'utf8')).not.toContain(real);
    expect(located(repo.keyguardJson(['scan']).findings)).toEqual(['src/app/both.txt:1:7']);
    expect(repo.keyguard(['allow', real, '--path', 'src/**']).stdout).toContain(`already allowed by .keyguardallow:2: value-sha256 ${sha}`);
    expect(repo.keyguard(['allow', real, '--plain']).stdout).toContain(`added .keyguardallow:3: value ${real}\n`);
  });

  it('writes a value no rule reports as a credential in clear: an account id, a documented example', () => {
    const repo = repoWith('allow-clear', '');
    expect(repo.keyguard(['allow', '210987654329']).stdout).toContain('added .keyguardallow:1: value 210987654329\n');
    expect(repo.keyguard(['allow', EXAMPLE_KEY_ID]).stdout).toContain(`added .keyguardallow:2: value ${EXAMPLE_KEY_ID}\n`);
  });

  it('takes a fingerprint in capitals as keyguard prints it, in lower case', () => {
    const repo = repoWith('allow-upper', '');
    expect(repo.keyguard(['allow', '0123456789ABCDEF0123456789ABCDEF']).stdout).toContain('added .keyguardallow:1: fingerprint 0123456789abcdef0123456789abcdef\n');
  });

  it.each([
    ['0123456789abcdef0123456789abcde', /"0123456789abcdef0123456789abcde" has 31 hexadecimal digits, a fingerprint has 32: copy it again/],
    ['0123456789abcdef0123456789abcdef0', /has 33 hexadecimal digits/],
    ['zzz', /"zzz" is neither a fingerprint \(32 hexadecimal digits\) nor a value any rule reports/],
    ['hello-world', /nor a value any rule reports/],
  ])('refuses %s with one line and exit 2, writing nothing', (target, message) => {
    const repo = sandbox.repo(`allow-refused-${target.length}-${target.slice(0, 3)}`);
    const result = repo.keyguard(['allow', target]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(`${repo.dir}/.keyguardallow`)).toBe(false);
  });

  it('is an error outside a repository, creating no file', () => {
    const outside = sandbox.path('not-a-repo');
    mkdirSync(outside);
    const result = keyguard(['allow', '0123456789abcdef0123456789abcdef'], { cwd: outside, env: sandbox.env });
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'keyguard: keyguard allow writes .keyguardallow at the top of a git repository: run it inside one\n' });
    expect(existsSync(`${outside}/.keyguardallow`)).toBe(false);
  });

  it('writes through no link the repository brought, dangling or not', () => {
    const repo = sandbox.repo('allow-link');
    const outside = sandbox.path('outside-profile');
    repo.commit('a link for an allowlist', {});
    symlinkSync(outside, `${repo.dir}/.keyguardallow`); // points out of the repository, at nothing yet
    const result = repo.keyguard(['allow', '0123456789abcdef0123456789abcdef']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^keyguard: .*\.keyguardallow is a symbolic link \(to .*outside-profile\): keyguard allow writes only a regular file there/);
    expect(existsSync(outside)).toBe(false);
  });

  it('refuses what the file cannot hold', () => {
    const repo = repoWith('allow-bad', '');
    expect(repo.keyguard(['allow', 'a b']).stderr).toMatch(/blanks/);
    expect(repo.keyguard(['allow', '0123456789abcdef0123456789abcdef', '--path', 'x/**'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--path goes with a value/) });
  });
});
