import { symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyguard } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

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
