import { chmodSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
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
  `${char} Please enter the commit message for your changes.\n${char} ------------------------ >8 ------------------------\n${char} Do not modify or remove the line above.\ndiff --git a/creds b/creds\n--- a/creds\n+++ b/creds\n@@ -1 +0,0 @@\n-aws_access_key_id = ${key}\n`;

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

  it('ignores comment lines and everything below the scissors line of commit -v', () => {
    expect(scanMessage(`Remove the key\n# ${key}\n${verbose('#')}`)).toMatchObject({ code: 0, findings: [] });
  });

  it('honours core.commentChar, fixed or auto', () => {
    expect(scanMessage(`Remove the key\n; ${key}\n${verbose(';')}`, ['core.commentChar', ';']).code).toBe(0);
    // with ';' as the comment character, a '#' line is part of the message
    expect(scanMessage(`Remove the key\n# ${key}\n`, ['core.commentChar', ';']).findings).toHaveLength(1);
    expect(scanMessage(`Remove the key\n${verbose('%')}`, ['core.commentChar', 'auto']).code).toBe(0);
  });

  it('keeps comment lines that commit.cleanup keeps', () => {
    expect(scanMessage(`Subject\n# ${key}\n`, ['commit.cleanup', 'verbatim']).findings).toHaveLength(1);
    expect(scanMessage(`Subject\n# ${key}\n${verbose('#')}`, ['commit.cleanup', 'scissors']).findings.map((f) => f.line)).toEqual([2]);
  });

  it('runs as the commit-msg hook of a real commit -v that removes a key', () => {
    const hooked = sandbox.repo('hooked');
    hooked.commit('add', { creds: `aws_access_key_id = ${key}\n` });
    hooked.write('.git/hooks/commit-msg', `#!/bin/sh\nexec "${process.execPath}" "${process.cwd()}/bin/keyguard" scan-commit-msg "$1"\n`);
    chmodSync(`${hooked.dir}/.git/hooks/commit-msg`, 0o755);
    hooked.git('rm', '-q', 'creds');
    // an editor that changes nothing leaves the template: comments, scissors and the diff with the removed key
    const removed = hooked.tryGit('-c', 'core.editor=true', 'commit', '-v', '-e', '-q', '-m', 'Remove the key');
    expect(removed.code).toBe(0);
    const leaked = hooked.tryGit('commit', '--allow-empty', '-q', '-m', `oops ${key}`);
    expect(leaked.code).not.toBe(0);
  });

  it('fails with exit 2 on a missing file', () => {
    const result = repo.keyguard(['scan-commit-msg', 'no-such-file']);
    expect(result).toMatchObject({ code: 2, stderr: 'keyguard: no-such-file: no such file\n' });
  });
});
