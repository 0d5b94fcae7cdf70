import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ciRange } from '../src/ci/range.js';
import { Sandbox } from './helpers/repo.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const ZERO = '0'.repeat(40);

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

/** The environment of a GitHub Actions run of this event. */
function github(name: string, event: object, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const path = sandbox.path(`event-${name}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(event));
  return { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path, ...extra };
}

describe('ciRange: which commits a CI run gates', () => {
  it('takes a pull request from base.sha to head.sha, not the merge commit', () => {
    const env = github('pull_request', { number: 7, pull_request: { number: 7, base: { sha: A, ref: 'main' }, head: { sha: B } } }, { GITHUB_BASE_REF: 'main' });
    expect(ciRange(env)).toEqual({ base: A, head: B, origin: 'GitHub pull_request #7' });
  });

  it('takes a push from before to after, and a new branch from the default branch', () => {
    expect(ciRange(github('push', { before: A, after: B, ref: 'refs/heads/topic' }))).toMatchObject({ base: A, head: B });
    expect(ciRange(github('push', { before: ZERO, after: B, ref: 'refs/heads/topic', repository: { default_branch: 'main' } }))).toMatchObject({ base: 'refs/remotes/origin/main', head: B });
  });

  it('refuses a push it cannot gate: the first push of the default branch, a deleted branch', () => {
    expect(() => ciRange(github('push', { before: ZERO, after: B, ref: 'refs/heads/main', repository: { default_branch: 'main' } }))).toThrow(/first push of main.*scan-history/);
    expect(() => ciRange(github('push', { before: A, after: ZERO, deleted: true }))).toThrow(/deleted/);
  });

  it('falls back to GITHUB_BASE_REF, and says what to do on other events', () => {
    expect(ciRange(github('pull_request', {}, { GITHUB_BASE_REF: 'develop' }))).toMatchObject({ base: 'refs/remotes/origin/develop', head: 'HEAD' });
    expect(() => ciRange(github('workflow_dispatch', {}))).toThrow(/GitHub Actions event "workflow_dispatch": pass --base REF/);
  });

  it('says which file it could not read', () => {
    expect(() => ciRange({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: sandbox.path('missing.json') })).toThrow(/GITHUB_EVENT_PATH .*missing\.json: cannot read/);
  });

  it('reads GitLab merge requests (the source head in merged-results pipelines) and pushes', () => {
    const gitlab = { CI: 'true', GITLAB_CI: 'true', CI_COMMIT_SHA: B, CI_DEFAULT_BRANCH: 'main' };
    expect(ciRange({ ...gitlab, CI_MERGE_REQUEST_DIFF_BASE_SHA: A, CI_MERGE_REQUEST_IID: '3' })).toEqual({ base: A, head: B, origin: 'GitLab merge request !3' });
    expect(ciRange({ ...gitlab, CI_MERGE_REQUEST_DIFF_BASE_SHA: A, CI_COMMIT_SHA: 'c'.repeat(40), CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: B })).toMatchObject({ base: A, head: B });
    expect(ciRange({ ...gitlab, CI_COMMIT_BEFORE_SHA: A, CI_COMMIT_BRANCH: 'main' })).toMatchObject({ base: A, head: B });
    expect(ciRange({ ...gitlab, CI_COMMIT_BEFORE_SHA: ZERO, CI_COMMIT_BRANCH: 'topic' })).toMatchObject({ base: 'refs/remotes/origin/main', head: B });
  });

  it('lets --base win over the environment, and asks for it anywhere else', () => {
    expect(ciRange(github('push', { before: A, after: B }), { base: 'origin/main' })).toEqual({ base: 'origin/main', head: 'HEAD', origin: '--base origin/main' });
    expect(() => ciRange({})).toThrow(/neither GitHub Actions nor GitLab CI\): pass --base REF/);
  });
});
