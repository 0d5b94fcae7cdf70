import { chmodSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { keyguardJson } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

const key = fakeKeyId('message');
const repo = sandbox.repo('messages');
const scanMessage = (text: string, config: string[] = []) => {
  for (const setting of ['core.commentChar', 'commit.cleanup']) repo.tryGit('config', '--unset', setting);
  for (let i = 0; i < config.length; i += 2) repo.git('config', config[i], config[i + 1]);
  repo.write('.git/COMMIT_EDITMSG', text);
  return repo.keyguardJson(['scan-commit-msg', '.git/COMMIT_EDITMSG']);
};
// What `git commit -v` writes below the message when the commit removes a key.
const verbose = (char: string) =>
  `${char} Please enter the commit message for your changes.\n${char} ------------------------ >8 ------------------------\n${char} Do not modify or remove the line above.\n${char} Everything below it will be ignored.\ndiff --git a/creds b/creds\n--- a/creds\n+++ b/creds\n@@ -1 +0,0 @@\n-aws_access_key_id = ${key}\n`;

describe('scan-commit-msg', () => {
  it('finds a key in the message, with its line, and prints a JSON array', () => {
    const { code, findings, stdout } = scanMessage(`Rotate credentials\n\nold one was ${key}\n`);
    expect(code).toBe(1);
    expect(stdout.trimStart().startsWith('[')).toBe(true);
    expect(findings).toMatchObject([{ file: '(commit message)', line: 3, column: 13, message: true, source: 'commit-msg' }]);
  });

  it('gives a message finding the fingerprint history gives it once committed', () => {
    const [hooked] = scanMessage(`Rotate credentials\n\nold one was ${key}\n`).findings;
    repo.commit(`Rotate credentials\n\nold one was ${key}\n`);
    const [committed] = repo.keyguardJson(['scan-history']).findings;
    expect(committed).toMatchObject({ file: '(commit message)', message: true, line: 3 });
    expect(committed.fingerprint).toBe(hooked.fingerprint);
  });

  it('scans comment lines: git keeps them under -m, -F and --cleanup=verbatim, and does not tell the hook', () => {
    expect(scanMessage(`Subject\n# ${key}\n`).findings.map((f) => f.line)).toEqual([2]);
    expect(scanMessage(`Subject\n; ${key}\n`, ['core.commentChar', ';']).findings).toHaveLength(1);
  });

  it('drops everything below the scissors line of commit -v when an editor wrote the message', () => {
    expect(scanMessage(`Remove the key\n${verbose('#')}`)).toMatchObject({ code: 0, findings: [] });
    expect(scanMessage(`Remove the key\n${verbose(';')}`, ['core.commentChar', ';']).code).toBe(0);
    expect(scanMessage(`Remove the key\n${verbose('%')}`, ['core.commentChar', 'auto']).code).toBe(0);
    // not the scissors line of another comment character
    expect(scanMessage(`Remove the key\n${verbose(';')}`).findings).toHaveLength(1);
  });

  it('cuts only where git does for certain: a scissors line with text of the user\'s below it is scanned through', () => {
    // git's default cleanup commits the lines below a scissors line it did not write, less the comments.
    expect(scanMessage(`Fix deploy\n# ------------------------ >8 ------------------------\nused key ${key}\n`).findings.map((f) => f.line)).toEqual([3]);
    const typedAbove = verbose('#').replace('diff --git', `used key ${fakeKeyId('typed')}\ndiff --git`);
    expect(scanMessage(`Subject\n${typedAbove}`).findings.length).toBeGreaterThan(0);
    // cleanup "scissors" without -v: the cut line's comments and the status, nothing else
    const scissorsOnly = '# ------------------------ >8 ------------------------\n# Do not modify or remove the line above.\n# Everything below it will be ignored.\n#\n# On branch main\n';
    expect(scanMessage(`Subject ${key}\n${scissorsOnly}`).findings.map((f) => f.line)).toEqual([1]);
    // -vv: headings between the cut line's comments and the diff
    expect(scanMessage(`Subject\n${verbose('#').replace('diff --git', '#\n# Changes to be committed:\ndiff --git')}`).findings).toEqual([]);
  });

  it('keeps a scissors line without an editor (GIT_EDITOR=:): git wrote no template, the line is the user\'s', () => {
    repo.write('.git/COMMIT_EDITMSG', `Subject\n${verbose('#')}`);
    const { findings } = keyguardJson(['scan-commit-msg', '.git/COMMIT_EDITMSG'], { cwd: repo.dir, env: { ...sandbox.env, GIT_EDITOR: ':' } });
    expect(findings).toHaveLength(1);
  });

  describe('as the installed commit-msg hook of real commits', () => {
    const hooked = sandbox.repo('hooked');
    const commentKey = `# old key ${fakeKeyId('message-comment')}`;
    // An editor that adds a comment line with a key, as a user might.
    const editor = sandbox.path('add-comment.sh');
    writeFileSync(editor, `#!/bin/sh\nprintf 'Subject from the editor\\n%s\\n' '${commentKey}' > "$1.new" && cat "$1" >> "$1.new" && mv "$1.new" "$1"\n`);
    chmodSync(editor, 0o755);
    const blocked = (result: { code: number; stderr: string }) => {
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/keyguard blocked this commit: its message holds a secret/);
    };

    it('installs', () => {
      expect(hooked.keyguard(['install']).code).toBe(0);
      hooked.commit('start', { creds: `aws_access_key_id = ${key}\n` });
    });

    it('blocks a key on a # line of git commit -m and -F (cleanup "whitespace" keeps it)', () => {
      blocked(hooked.tryGit('commit', '--allow-empty', '-q', '-m', 'Subject', '-m', commentKey));
      hooked.write('msg.txt', `Subject\n\n${commentKey}\n`);
      blocked(hooked.tryGit('commit', '--allow-empty', '-q', '-F', 'msg.txt'));
      expect(hooked.git('rev-list', '--count', 'HEAD').trim()).toBe('1');
    });

    it('blocks a key on a # line the editor leaves under --cleanup=verbatim', () => {
      blocked(hooked.tryGit('-c', `core.editor=${editor}`, 'commit', '--allow-empty', '-q', '--cleanup=verbatim'));
    });

    it('lets the editor\'s template through, and the diff of commit -v that removes a key', () => {
      const plain = sandbox.path('subject.sh');
      writeFileSync(plain, `#!/bin/sh\nprintf 'Subject\\n' > "$1.new" && cat "$1" >> "$1.new" && mv "$1.new" "$1"\n`);
      chmodSync(plain, 0o755);
      expect(hooked.tryGit('-c', `core.editor=${plain}`, 'commit', '--allow-empty', '-q')).toMatchObject({ code: 0 });
      hooked.git('rm', '-q', 'creds');
      // the template holds comments, the scissors line and the diff with the removed key; git cuts there even verbatim
      expect(hooked.tryGit('-c', 'core.editor=true', 'commit', '-v', '-e', '-q', '--cleanup=verbatim', '-m', 'Remove the key')).toMatchObject({ code: 0 });
      expect(hooked.git('log', '-1', '--format=%B')).not.toContain(key);
    });

    it('blocks a key an editor writes below a scissors line of its own: the default cleanup commits it', () => {
      const below = sandbox.path('below-scissors.sh');
      writeFileSync(below, `#!/bin/sh\nprintf 'Fix deploy\\n# ------------------------ >8 ------------------------\\nused key %s\\n' '${key}' > "$1"\n`);
      chmodSync(below, 0o755);
      blocked(hooked.tryGit('-c', `core.editor=${below}`, 'commit', '--allow-empty', '-q'));
    });

    it('blocks a plain key in the message', () => {
      blocked(hooked.tryGit('commit', '--allow-empty', '-q', '-m', `oops ${key}`));
    });
  });

  it('fails with exit 2 on a missing file', () => {
    const result = repo.keyguard(['scan-commit-msg', 'no-such-file']);
    expect(result).toMatchObject({ code: 2, stderr: 'keyguard: no-such-file: no such file\n' });
  });
});
