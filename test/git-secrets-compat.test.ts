import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyguard } from './helpers/cli.js';
import { EXAMPLE_KEY_ID, fakeKeyId, fakeSecret } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

const key = fakeKeyId('git-secrets');
const example = fakeKeyId('git-secrets-example');
let sandbox: Sandbox;

beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

const located = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}:${f.column}`).sort();

describe('allowed patterns: .gitallowed and secrets.allowed', () => {
  it('honours a git-secrets user\'s .gitallowed, per finding', () => {
    const repo = sandbox.repo('gitallowed');
    repo.write('.gitallowed', `# Allowed patterns, one per line\r\n\r\n   # indented comment\r\n${example}\r\ndocs/.*\r\nconfig/sample.env\r\n`);
    repo.write('src/a.txt', `keys = ["${example}", "${key}"]\n`);
    repo.write('docs/setup.md', `key = ${key}\n`);
    repo.write('config/sample.env', `KEY=${key}\n`);
    repo.write('src/b.txt', `key = ${key} # docs/ say this is fine\n`);
    const { code, findings } = repo.keyguardJson(['scan']);
    expect(code).toBe(1);
    // The example beside a real key, and a pattern matching other text on the line, hide nothing more.
    expect(located(findings)).toEqual(['src/a.txt:1:34', 'src/b.txt:1:7']);
  });

  it('reads secrets.allowed from git config, and refuses a bad pattern with its place', () => {
    const repo = sandbox.repo('config-allowed');
    repo.write('a.txt', `key = ${key}\n`);
    repo.git('config', '--add', 'secrets.allowed', `^${key.slice(0, 8)}`);
    expect(repo.keyguardJson(['scan'])).toMatchObject({ code: 0, findings: [] });
    repo.write('.gitallowed', 'ok\n(broken\n');
    expect(repo.keyguard(['scan'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^keyguard: \.gitallowed:2: invalid regex/) });
  });
});

describe('prohibited patterns: secrets.patterns', () => {
  it('reports what a pattern matches, on word boundaries as git grep -w does', () => {
    const repo = sandbox.repo('patterns');
    repo.keyguard(['add', 'corp-[0-9]{6}']);
    repo.write('a.txt', 'token corp-918273 here\nxcorp-918273 corp-9182737\nlast corp-553190\n');
    const { code, findings } = repo.keyguardJson(['scan']);
    expect(code).toBe(1);
    expect(findings.map((f) => `${f.line}:${f.column}:${f.match}`)).toEqual(['1:7:***********', '3:6:***********']);
  });

  it('is the user\'s word: the built-in placeholder and example filters do not drop its matches', () => {
    const repo = sandbox.repo('patterns-placeholders');
    expect(repo.keyguard(['install']).code).toBe(0);
    repo.keyguard(['add', 'db_password=[^ ]+']);
    repo.keyguard(['add', '--literal', 'AKIATESTTESTTESTTEST']);
    repo.write('app.env', 'db_password=Winter123456!\nkey=AKIATESTTESTTESTTEST\nother=AKIAQQQQQQQQQQQQQQQQ\n');
    expect(repo.keyguardJson(['scan']).findings.map((f) => `${f.line}:${f.ruleId}`)).toEqual([
      expect.stringMatching(/^1:git-secrets-pattern-/),
      expect.stringMatching(/^2:git-secrets-pattern-/),
    ]);
    repo.git('add', 'app.env');
    const blocked = repo.tryGit('commit', '-q', '-m', 'add config');
    expect(blocked.code).not.toBe(0);
    expect(repo.tryGit('rev-parse', '--verify', '-q', 'HEAD').code).not.toBe(0);
  });

  it('skips the patterns git secrets --register-aws added: the built-in rules report those keys once', () => {
    const repo = sandbox.repo('register-aws');
    for (const pattern of [
      '(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}',
      `("|')?(AWS|aws|Aws)?_?(SECRET|secret|Secret)?_?(ACCESS|access|Access)?_?(KEY|key|Key)("|')?\\s*(:|=>|=)\\s*("|')?[A-Za-z0-9/\\+=]{40}("|')?`,
    ]) {
      repo.git('config', '--add', 'secrets.patterns', pattern);
    }
    repo.git('config', '--add', 'secrets.allowed', EXAMPLE_KEY_ID);
    repo.git('config', '--add', 'secrets.providers', 'git secrets --aws-provider');
    repo.write('a.txt', `aws_access_key_id = ${key}\naws_secret_access_key = ${fakeSecret('git-secrets')}\n`);
    const { findings } = repo.keyguardJson(['scan']);
    expect(findings.map((f) => f.ruleId)).toEqual(['aws-access-key-id', 'aws-secret-access-key']);
  });

  it('a catastrophic prohibited pattern does not hang the scan', () => {
    const repo = sandbox.repo('redos-pattern');
    repo.git('config', '--add', 'secrets.patterns', '(a+)+$');
    repo.write('a.txt', `${'a'.repeat(20_000)}!\n`.repeat(20));
    const started = Date.now();
    expect(repo.keyguard(['scan']).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);
});

describe('providers and aws-provider', () => {
  const ownId = fakeKeyId('own');
  const ownSecret = fakeSecret('own');
  const credentials = `[default]\naws_access_key_id = ${ownId}\naws_secret_access_key = "${ownSecret}"\n# comment\n[other]\nregion = eu-west-1\n`;

  it('aws-provider prints the keys of ~/.aws/credentials, or of AWS_SHARED_CREDENTIALS_FILE', () => {
    const repo = sandbox.repo('aws-provider');
    mkdirSync(join(sandbox.home, '.aws'), { recursive: true });
    writeFileSync(join(sandbox.home, '.aws', 'credentials'), credentials);
    expect(repo.keyguard(['aws-provider'])).toMatchObject({ code: 0, stdout: `${ownId}\n${ownSecret}\n` });
    const other = sandbox.path('other-credentials');
    writeFileSync(other, `[x]\r\nAWS_ACCESS_KEY_ID=${fakeKeyId('other')}\r\n`);
    expect(keyguard(['aws-provider'], { cwd: repo.dir, env: { ...repo.env, AWS_SHARED_CREDENTIALS_FILE: other } }).stdout).toBe(`${fakeKeyId('other')}\n`);
    expect(repo.keyguard(['aws-provider', sandbox.path('none')])).toMatchObject({ code: 0, stdout: '' });
  });

  it('your own keys become prohibited values anywhere, even with no keyword beside them', () => {
    const repo = sandbox.repo('own-keys');
    const file = sandbox.path('own-credentials');
    writeFileSync(file, credentials);
    expect(repo.keyguard(['add-provider', '--', 'keyguard', 'aws-provider', file]).code).toBe(0);
    repo.write('notes.txt', `pasted: ${ownSecret}\n`);
    const { code, findings } = repo.keyguardJson(['scan']);
    expect(code).toBe(1);
    expect(findings).toEqual([expect.objectContaining({ ruleId: expect.stringMatching(/^prohibited-value-/), line: 1, column: 9 })]);
  });

  it('runs other providers without a shell, and fails closed when one fails', () => {
    const repo = sandbox.repo('providers');
    const list = sandbox.path('prohibited.txt');
    writeFileSync(list, 'internal-host-7731\r\n\r\n');
    repo.keyguard(['add-provider', '--', 'cat', list]);
    repo.write('a.txt', 'connect to internal-host-7731 now; $(touch pwned)\n');
    expect(repo.keyguardJson(['scan']).findings.map((f) => f.line)).toEqual([1]);
    repo.git('config', '--add', 'secrets.providers', 'no-such-command-keyguard');
    expect(repo.keyguard(['scan'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/secrets\.providers "no-such-command-keyguard": command not found/) });
  });
});

describe('add and list', () => {
  it('add de-dupes, --literal escapes, --allowed allows; list shows config and the allow files', () => {
    const repo = sandbox.repo('add-list');
    expect(repo.keyguard(['add', '--literal', 'a.b+c']).stdout).toContain('added to secrets.patterns: a\\.b\\+c');
    expect(repo.keyguard(['add', '--literal', 'a.b+c']).stdout).toContain('already in secrets.patterns');
    repo.keyguard(['add', '--allowed', 'a\\.b\\+c-ok']);
    repo.write('.keyguardallow', 'path fixtures/**  # generated\n').write('.gitallowed', '# c\nexample\n');
    expect(repo.keyguard(['list']).stdout).toBe(
      ['secrets.patterns a\\.b\\+c', 'secrets.allowed a\\.b\\+c-ok', '.keyguardallow:1: path fixtures/**  # generated', '.gitallowed:2: example', ''].join('\n'),
    );
    repo.write('x.txt', 'a.b+c a.b+c-ok axb+c\n');
    expect(repo.keyguardJson(['scan']).findings.map((f) => f.column)).toEqual([1]);
    expect(repo.keyguard(['add', '(a'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid regex/) });
  });

  it('needs no setup: with nothing configured the AWS rules still find a key (git-secrets would pass)', () => {
    const repo = sandbox.repo('no-setup');
    expect(repo.keyguard(['list']).stdout).toMatch(/nothing configured/);
    repo.write('a.txt', `key = ${key}\n`);
    expect(repo.keyguardJson(['scan']).code).toBe(1);
  });
});
