// Commits whose object names an encoding (i18n.commitEncoding): git log re-encodes their messages from it, so
// a message stored as ASCII under `encoding IBM037` (EBCDIC) prints garbled. Scans read such commits as stored.
import { afterAll, describe, expect, it } from 'vitest';
import { fakeKeyId } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;

/** A repository with one plain commit; returns it and that commit. */
function newRepo(): { repo: Repo; base: string } {
  const repo = sandbox.repo(`encodings-${++repos}`);
  return { repo, base: repo.commit('base', { 'a.txt': 'a\n' }) };
}

/** A real `git commit` of `message` (its bytes as given) with i18n.commitEncoding set to `encoding`. */
function commitIn(repo: Repo, encoding: string, message: Buffer, file = 'b.txt'): string {
  repo.write('msg', message);
  repo.write(file, `${file}\n`);
  repo.git('add', file);
  repo.git('-c', `i18n.commitEncoding=${encoding}`, 'commit', '-q', '--no-verify', '-F', 'msg');
  expect(repo.git('cat-file', 'commit', 'HEAD')).toContain(`\nencoding ${encoding}\n`);
  return repo.git('rev-parse', 'HEAD').trim();
}

describe('a commit stored in another encoding', () => {
  it('IBM037 header, ASCII bytes: history, range, ci and pre-push see the key, with the stored author', () => {
    const { repo, base } = newRepo();
    const key = fakeKeyId('ibm037');
    const sha = commitIn(repo, 'IBM037', Buffer.from(`deploy\n\nwith key ${key}\n`));
    expect(repo.git('log', '-1', '--format=%B')).not.toContain(key); // what git log shows of it
    const expected = { file: '(commit message)', line: 3, message: true, commit: sha, author: 'Test Author', email: 'author@example.com' };
    expect(repo.keyguardJson(['scan-history']).findings).toMatchObject([expected]);
    expect(repo.keyguardJson(['scan-range', `${base}..HEAD`]).findings).toMatchObject([expected]);
    expect(repo.keyguardJson(['ci', '--base', base]).findings).toMatchObject([expected]);

    const remote = sandbox.repo(`encodings-remote-${repos}.git`, { bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.git('push', '-q', '--no-verify', 'origin', `${base}:refs/heads/main`);
    expect(repo.keyguard(['install']).code).toBe(0);
    const push = repo.tryGit('push', 'origin', 'main');
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('(commit message):3');
  });

  it('latin-1 and Shift-JIS messages scan and report, the key found, nothing garbled around it', () => {
    const { repo, base } = newRepo();
    const latin = fakeKeyId('latin1');
    const sjis = fakeKeyId('sjis');
    // "café" in latin-1, "日本" (0x93FA 0x967B) in Shift-JIS: neither is valid UTF-8.
    const first = commitIn(repo, 'ISO-8859-1', Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(` key ${latin}\n`)]), 'l.txt');
    const second = commitIn(repo, 'Shift_JIS', Buffer.concat([Buffer.from([0x93, 0xfa, 0x96, 0x7b]), Buffer.from(` key ${sjis}\n`)]), 's.txt');
    for (const args of [['scan-history'], ['scan-range', `${base}..HEAD`], ['ci', '--base', base]]) {
      const { code, findings } = repo.keyguardJson(args);
      expect(code).toBe(1);
      expect(findings.map((f: Record<string, unknown>) => [f.commit, f.line, f.column, f.author])).toEqual([
        [first, 1, 10, 'Test Author'],
        [second, 1, 10, 'Test Author'], // 0x93 0xFA 0x96: one U+FFFD each; 0x7B is '{'
      ]);
    }
  });
  it('latin-1 comes through git log, re-encoded (é stays é); a Big5 first byte cannot swallow a key’s A', () => {
    const { repo } = newRepo();
    const latin = fakeKeyId('latin1-printed');
    const big5 = fakeKeyId('big5-lead');
    commitIn(repo, 'ISO-8859-1', Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(` key ${latin}\n`)]), 'l.txt');
    // 0xA4 then 'A' is one Big5 character: git log prints the key without its first letter.
    const swallowed = commitIn(repo, 'Big5', Buffer.concat([Buffer.from('x '), Buffer.from([0xa4]), Buffer.from(`${big5}\n`)]), 'b5.txt');
    expect(repo.git('log', '-1', '--format=%B')).not.toContain(big5);
    const text = repo.keyguard(['scan-history', '--no-mask']).stdout;
    expect(text).toContain(`café key ${latin}`); // read from its object, the é would be U+FFFD
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(findings.filter((f: Record<string, unknown>) => f.commit === swallowed)).toHaveLength(1);
  });
});

