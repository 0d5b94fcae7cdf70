// No secret printed in clear: not in a line another finding shows, not encoded, not in an error message.
import { chmodSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretMask, writtenForms } from '../src/report/secret-mask.js';
import { maskSecret } from '../src/types.js';
import { redactSecrets } from '../src/report/redact.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const FORMATS = ['text', 'json', 'sarif', 'junit', 'github'];
const id = fakeKeyId('masking');
const secret = fakeSecret('masking-1');
const other = fakeKeyId('masking-other');
const b64 = (text: string) => Buffer.from(text).toString('base64');

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

/** Every string that must never appear in output: the secrets, and each way the repository writes them. */
function clearForms(text: string): string[] {
  return [id, secret, other, ...text.split(/\s+/).filter((word) => word.length >= 16 && !/^[a-z_]+$/.test(word))];
}

describe('history reports mask every found secret on every shown line', () => {
  // A key reported once (history dedupe keeps its first place), then written again beside a new key: as is,
  // base64-encoded at three byte offsets, and URL-encoded.
  const encodedLine = `backup ${other} of ${id} ${secret} as ${b64(`k=${id}`)} ${b64(`id=${id}`)} ${b64(`key=${id}`)} url=${encodeURIComponent(secret)}`;
  let repo: Repo;
  beforeAll(() => {
    expect(encodeURIComponent(secret)).not.toBe(secret); // the URL-encoded form differs from the plain one
    repo = sandbox.repo('history');
    repo.commit('add key', { 'config.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n` });
    repo.commit('back it up', { 'config.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n${encodedLine}\n` });
  });

  it.each(FORMATS)('scan-history --format %s prints no secret in clear, in any encoding', (format) => {
    const { code, stdout } = repo.keyguard(['scan-history', '--format', format]);
    expect(code).toBe(1);
    for (const form of clearForms(encodedLine)) expect(stdout).not.toContain(form);
    expect(stdout).toContain(maskSecret(other));
  });

  it('scan-range masks them too, and --no-mask still shows the lines as they are', () => {
    const range = repo.keyguard(['scan-range', 'HEAD~1..HEAD', '--format', 'sarif']);
    expect(range.code).toBe(1);
    for (const form of clearForms(encodedLine)) expect(range.stdout).not.toContain(form);
    // Snippets are a 160-character window of the line; the first finding's starts the line.
    expect(repo.keyguard(['scan-history', '--no-mask', '--format', 'sarif']).stdout).toContain(encodedLine.slice(0, 150));
  });
});

describe('a key the filters accepted', () => {
  it('is masked on a line shown for another finding', () => {
    const repo = sandbox.repo('baselined');
    repo.commit('old key', { 'keys.txt': `old ${id}\n` });
    expect(repo.keyguard(['baseline', 'create']).code).toBe(0);
    repo.write('keys.txt', `old ${id} new ${other}\n`);
    for (const format of ['text', 'sarif', 'junit']) {
      const { code, stdout } = repo.keyguard(['scan', '--baseline', '.keyguard-baseline.json', '--format', format]);
      expect(code).toBe(1);
      expect(stdout).toContain(maskSecret(other));
      expect(stdout).toContain(maskSecret(id));
      expect(stdout).not.toContain(id);
    }
  });
});

describe('SecretMask', () => {
  it('masks a secret base64-encoded at any byte offset, in either alphabet, and URL-encoded in either case', () => {
    const mask = new SecretMask([secret]);
    for (let offset = 0; offset < 6; offset++) {
      for (const suffix of ['', 'x', 'xy', '\n[next]']) {
        const encoded = b64(`${'p'.repeat(offset)}${secret}${suffix}`);
        for (const written of [encoded, encoded.replace(/\+/g, '-').replace(/\//g, '_')]) {
          const masked = mask.apply(`data: ${written} end`);
          expect(masked).not.toBe(`data: ${written} end`);
          // Whatever the stars stand for, the secret no longer decodes out of what is printed.
          expect(Buffer.from(masked.slice(6, -4).replace(/\*/g, 'A'), 'base64').toString('latin1')).not.toContain(secret);
        }
      }
    }
    // A secret with several characters to escape, written with upper, lower and mixed hex digits.
    const slashy = `${fakeSecret('masking-escapes').slice(0, 34)}+/a+/b/`;
    const slashyMask = new SecretMask([slashy]);
    const escaped = encodeURIComponent(slashy);
    let count = 0;
    const mixedCase = escaped.replace(/%[0-9A-F]{2}/g, (escape) => (count++ % 2 ? escape : escape.toLowerCase()));
    for (const written of [escaped, escaped.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()), mixedCase]) {
      expect(slashyMask.apply(`?key=${written}&x=1`)).toBe(`?key=${maskSecret(written)}&x=1`);
    }
    // Folding touches escapes only: the secret's own letters still match by case.
    expect(mask.apply(`id ${secret.toLowerCase()}`)).toBe(`id ${secret.toLowerCase()}`);
  });

  it('finds every occurrence of many secrets as a plain search for each would, overlaps merged', () => {
    // Small alphabets make needles that overlap and share prefixes and suffixes: the failure links at work.
    let state = 7;
    const random = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
    const word = (length: number) => Array.from({ length }, () => 'ab'[random(2)]).join('');
    for (let round = 0; round < 200; round++) {
      const secrets = Array.from({ length: 1 + random(6) }, () => word(2 + random(5)));
      const text = word(40);
      const covered = new Array<boolean>(text.length).fill(false);
      for (const form of secrets.flatMap(writtenForms)) {
        for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) covered.fill(true, at, at + form.length);
      }
      let expected = '';
      for (let i = 0; i < text.length; ) {
        let j = i;
        while (j < text.length && covered[j] === covered[i]) j++;
        expected += covered[i] ? maskSecret(text.slice(i, j)) : text.slice(i, j);
        i = j;
      }
      expect(new SecretMask(secrets).apply(text)).toBe(expected);
    }
  });

  it('masks a line against thousands of secrets in one pass', () => {
    const many = Array.from({ length: 5000 }, (_, i) => fakeKeyId(`many-${i}`));
    const mask = new SecretMask(many);
    const line = many.slice(0, 500).join(' ');
    const masked = mask.apply(line);
    for (const key of many.slice(0, 500)) expect(masked).not.toContain(key);
    expect(masked.split(' ')).toEqual(many.slice(0, 500).map(maskSecret));
  });
});

describe('error messages mask what a rule would call a secret', () => {
  const expectMasked = (result: { code: number; stderr: string }, where: RegExp) => {
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(where);
    expect(result.stderr).not.toContain(id);
    expect(result.stderr).not.toContain(secret);
    expect(result.stderr).toContain(maskSecret(id));
  };

  it('in a bad .keyguardallow or .gitallowed line, and a key given as an argument', () => {
    const repo = sandbox.repo('bad-allow');
    repo.write('.keyguardallow', `regex ${id}(\n`);
    expectMasked(repo.keyguard(['scan']), /\.keyguardallow:1: invalid regex/);
    repo.write('.keyguardallow', `fingerprint ${id}\n`);
    expectMasked(repo.keyguard(['scan']), /\.keyguardallow:1: .* is not a fingerprint/);
    repo.write('.keyguardallow', '');
    repo.write('.gitallowed', `(${id}|secret=${secret}\n`);
    expectMasked(repo.keyguard(['scan']), /\.gitallowed:1: invalid regex/);
    expectMasked(repo.keyguard(['scan', '--format', id]), /Invalid values/);
  });

  it("in a failing provider's stderr, from the CLI and from the pre-commit hook", () => {
    const repo = sandbox.repo('provider');
    const provider = sandbox.path('provider.sh');
    writeFileSync(provider, `#!/bin/sh\necho "cannot fetch ${id} ${secret}" >&2\nexit 3\n`);
    chmodSync(provider, 0o755);
    repo.commit('first', { 'README.md': 'hello\n' });
    expect(repo.keyguard(['install']).code).toBe(0);
    repo.git('config', 'secrets.providers', provider);
    expectMasked(repo.keyguard(['scan']), /secrets\.providers .*exit code 3: cannot fetch/);
    repo.write('a.txt', 'a\n').git('add', 'a.txt');
    const commit = repo.tryGit('commit', '-m', 'change');
    expect(commit.code).not.toBe(0);
    expect(commit.stderr).toContain(`cannot fetch ${maskSecret(id)}`);
    expect(commit.stderr).not.toContain(id);
    expect(commit.stderr).not.toContain(secret);
  });

  it("in CI, in the pull request's own broken allowlist", () => {
    const repo = sandbox.repo('ci-allow');
    repo.commit('base', { 'README.md': 'hello\n' });
    const base = repo.git('rev-parse', 'HEAD').trim();
    repo.commit('change', { '.keyguardallow': `regex ${id}(\n`, 'src/a.txt': 'nothing\n' });
    const result = repo.keyguard(['ci', '--base', base]);
    expect(result.stderr).toMatch(/\.keyguardallow/);
    expect(result.stderr).not.toContain(id);
  });

  it('leaves commit ids, fingerprints and ordinary words alone', () => {
    const message = `keyguard: bad revision ${'0123456789abcdef'.repeat(2)}01234567 for ${'f'.repeat(32)}: nothing secret here`;
    expect(redactSecrets(message)).toBe(message);
    expect(redactSecrets(`key ${id} and ${secret}`)).toBe(`key ${maskSecret(id)} and ${maskSecret(secret)}`);
  });
});
