import { afterAll, describe, expect, it } from 'vitest';
import { keyguard, keyguardJson } from './helpers/cli.js';
import { gitRecorder } from './helpers/git-recorder.js';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

// bin/keyguard starts scan-history's git log before the rest of keyguard loads (src/prestart.ts): the scan
// must read that git, never a second one, and a command line that scans nothing must not wait for it.

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

/** The recorded history logs (`git log … -p`), by their revisions. */
const historyLogs = (commands: string[][]) => commands.filter((args) => args[0] === 'log' && args.includes('-p')).map((args) => args[1]);

describe('scan-history started early', () => {
  const repo = sandbox.repo('prestart');
  repo.commit('config', { 'config.ini': `aws_access_key_id = ${fakeKeyId('prestart')}\n` });
  const recorder = gitRecorder(sandbox);

  it('reads the git log started before its command line was parsed, and starts no other', () => {
    const env = recorder.env(repo);
    const { code, findings } = keyguardJson(['scan-history', '--no-color'], { cwd: repo.dir, env });
    expect(code).toBe(1);
    expect(findings.map((f) => f.file)).toEqual(['config.ini']);
    expect(historyLogs(recorder.commands())).toEqual(['--all']);
  });

  it('starts nothing early for a scan of other commits', () => {
    expect(keyguardJson(['scan-history', '--branch', 'main'], { cwd: repo.dir, env: recorder.env(repo) }).findings).toHaveLength(1);
    expect(historyLogs(recorder.commands())).toEqual(['main']);
    // --incremental reads the history its own way: one git log, its own
    expect(keyguardJson(['scan-history', '--incremental'], { cwd: repo.dir, env: recorder.env(repo) }).findings).toHaveLength(1);
    expect(historyLogs(recorder.commands())).toHaveLength(1);
  });

  it('starts the small gits a scan asks first early too, and asks each once', () => {
    // Each small git keyguard starts before its modules load must be the one the scan reads: no second one.
    const counts = (commands: string[][]) => {
      const lines = commands.map((args) => args.join(' '));
      return ['rev-parse --is-shallow-repository HEAD --all', 'rev-parse --is-shallow-repository --is-bare-repository', 'config --null --get-regexp'].map((start) => lines.filter((line) => line.startsWith(start)).length);
    };
    expect(keyguardJson(['scan-history', '--incremental'], { cwd: repo.dir, env: recorder.env(repo) }).findings).toHaveLength(1);
    expect(counts(recorder.commands())).toEqual([1, 1, 1]);
    expect(keyguardJson(['scan-history'], { cwd: repo.dir, env: recorder.env(repo) }).findings).toHaveLength(1);
    expect(counts(recorder.commands())).toEqual([0, 1, 1]);
  });

  it('exits on a bad command line without waiting for the git it started', () => {
    // This git log would take a minute before its first byte: keyguard must kill it, not wait for it.
    const slow = gitRecorder(sandbox, 'slow', `case "$*" in log*" -p "*) sleep 60 ;; esac`);
    const result = keyguard(['scan-history', '--format', 'nope'], { cwd: repo.dir, env: slow.env(repo) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^keyguard: Invalid values: Argument: format/);
    expect(historyLogs(slow.commands())).toEqual(['--all']);
  }, 30_000);
});
