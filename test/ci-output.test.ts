import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyguard } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

// What a CI system shows of keyguard's output: annotations and alerts on lines that exist, errors in the run's
// summary, and a job for the runs that name no range.
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

const stays = fakeKeyId('ci-out-stays');
const removed = fakeKeyId('ci-out-removed');
const inMessage = fakeKeyId('ci-out-message');
let repo: Repo;
let base: string;

beforeAll(() => {
  repo = sandbox.repo('ci-output');
  base = repo.commit('base', { 'README.md': 'hello\n' });
  repo.git('checkout', '-q', '-b', 'topic');
  repo.commit('add config', { 'app.env': `AWS_ACCESS_KEY_ID=${stays}\nOLD_KEY=${removed}\n` });
  // A later commit of the pull request inserts lines above the first key and drops the second.
  repo.commit(`tidy up, was ${inMessage}`, { 'app.env': `# settings\n# for the app\n\nAWS_ACCESS_KEY_ID=${stays}\n` });
});

const ci = (args: string[], env: NodeJS.ProcessEnv = {}) => keyguard(['ci', '--base', base, ...args], { cwd: repo.dir, env: { ...sandbox.env, ...env } });

describe('where findings of a pull request are reported', () => {
  it('puts a secret still in the head at the head\'s line, and a removed one at its commit\'s line', () => {
    const findings = JSON.parse(ci(['--format', 'json']).stdout) as Array<{ match: string; line: number; file: string; message?: boolean }>;
    const byKey = (key: string) => findings.find((f) => f.match.endsWith(key.slice(-4)) && !f.message);
    expect(byKey(stays)).toMatchObject({ file: 'app.env', line: 4 });
    expect(byKey(removed)).toMatchObject({ file: 'app.env', line: 2 });
  });

  it('annotates a commit message finding on the run, not on a file that does not exist', () => {
    const { stdout } = ci(['--format', 'github']);
    const message = stdout.split('\n').find((line) => line.includes('commit message'))!;
    expect(message).toMatch(/^::error title=keyguard%3A AWS access key ID in a commit message::/);
    expect(message).not.toMatch(/file=/);
    expect(stdout).not.toContain(inMessage);
  });

  it('gives SARIF its version, the commit in the message, and the workflow file for a message finding', () => {
    const env = { GITHUB_WORKFLOW_REF: 'octo/app/.github/workflows/keyguard.yml@refs/pull/3/merge' };
    const log = JSON.parse(ci(['--format', 'sarif'], env).stdout);
    const run = log.runs[0];
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    const results = run.results as Array<{ message: { text: string }; locations: Array<{ physicalLocation?: { artifactLocation: { uri: string } } }>; properties: { commitMessage?: boolean } }>;
    const message = results.find((r) => r.properties.commitMessage)!;
    expect(message.message.text).toMatch(/in the message of commit [0-9a-f]{40}\.$/);
    expect(message.locations[0].physicalLocation!.artifactLocation.uri).toBe('.github/workflows/keyguard.yml');
    const file = results.find((r) => !r.properties.commitMessage)!;
    expect(file.message.text).toMatch(/, added by commit [0-9a-f]{40}\.$/);
    expect(JSON.stringify(log)).not.toContain('(commit%20message)');
  });

  it('also emits an exit-2 error as a workflow command under --format github', () => {
    const result = keyguard(['ci', '--format', 'github'], { cwd: repo.dir, env: sandbox.env });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^::error title=keyguard::cannot tell which commits to scan/);
    expect(result.stderr).toMatch(/^keyguard: cannot tell which commits to scan/);
  });
});

describe('runs that name no range', () => {
  it('scans the history of the ref on schedule and workflow_dispatch', () => {
    const event = sandbox.path('schedule.json');
    writeFileSync(event, '{}');
    for (const name of ['schedule', 'workflow_dispatch']) {
      const env = { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: event, GITHUB_SHA: repo.git('rev-parse', 'HEAD').trim() };
      const result = keyguard(['ci', '--format', 'json'], { cwd: repo.dir, env: { ...sandbox.env, ...env } });
      expect(result.code, result.stderr).toBe(1);
      expect((JSON.parse(result.stdout) as unknown[]).length).toBeGreaterThanOrEqual(3);
    }
    // With a cached state file the scheduled run reads only what the last one did not, and reports the same.
    const state = sandbox.path('ci-state.json');
    const env = { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'schedule', GITHUB_EVENT_PATH: event };
    const runs = [1, 2].map(() => keyguard(['ci', '--state', state, '--format', 'json'], { cwd: repo.dir, env: { ...sandbox.env, ...env } }));
    expect(runs.map((r) => r.code)).toEqual([1, 1]);
    expect(runs[1].stdout).toBe(runs[0].stdout);
    expect(existsSync(state)).toBe(true);
    const gitlab = { CI: 'true', GITLAB_CI: 'true', CI_PIPELINE_SOURCE: 'schedule', CI_COMMIT_SHA: base };
    expect(keyguard(['ci'], { cwd: repo.dir, env: { ...sandbox.env, ...gitlab } }).code).toBe(0);
  });
});
