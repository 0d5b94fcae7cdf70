// A key that a path allow accepts (`path test/fixtures/**`) must not leave that path by a rename unseen: the
// scans of a change read a moved file as new at its new path, as `keyguard scan` reads it.
import { afterAll, describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

const fixture = `line1\nline2\naws_access_key_id = ${fakeKeyId('moved')}\naws_secret_access_key = ${fakeSecret('moved')}\nline5\n`;

let repos = 0;

/** A repository whose allowlist accepts keys under test/fixtures/, one there, and keyguard's hooks. */
function withFixture(): { repo: Repo; base: string } {
  const repo = sandbox.repo(`renames-${++repos}`);
  const base = repo.commit('fixtures', { '.keyguardallow': 'path test/fixtures/**   # generated fixtures\n', 'test/fixtures/creds.ini': fixture });
  expect(repo.keyguard(['install']).code).toBe(0);
  expect(repo.keyguardJson(['scan-history']).findings).toEqual([]);
  return { repo, base };
}

const places = (findings: Array<Record<string, unknown>>) => [...new Set(findings.map((f) => `${f.file}:${f.line}`))].sort();

describe('a file moved out of an allowed path', () => {
  it('is blocked by the pre-commit hook, scan-range, ci and pre-push, where scan reports it', () => {
    const { repo, base } = withFixture();
    repo.git('mv', 'test/fixtures/creds.ini', 'config.ini');
    const blocked = repo.tryGit('commit', '-q', '-m', 'use the fixture in prod');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('config.ini:3');
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(base);

    repo.write('config.ini', `${fixture}region = us-east-1\n`).git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'move and edit');
    expect(repo.git('show', '--stat', '-M', '--format=', 'HEAD')).toContain('=>'); // a rename to git
    const expected = ['config.ini:3', 'config.ini:4'];
    expect(places(repo.keyguardJson(['scan']).findings)).toEqual(expected);
    expect(places(repo.keyguardJson(['scan-range', `${base}..HEAD`]).findings)).toEqual(expected);
    expect(places(repo.keyguardJson(['ci', '--base', base]).findings)).toEqual(expected);

    const remote = sandbox.repo(`renames-remote-${repos}.git`, { bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.git('push', '-q', '--no-verify', 'origin', `${base}:refs/heads/main`);
    const push = repo.tryGit('push', 'origin', 'main');
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('config.ini:3');
  });

  it('passes when it stays inside the allowed path, and a history scan does not re-report a moved file', () => {
    const { repo, base } = withFixture();
    repo.git('mv', 'test/fixtures/creds.ini', 'test/fixtures/aws.ini');
    expect(repo.tryGit('commit', '-q', '-m', 'rename the fixture').code).toBe(0);
    expect(repo.keyguardJson(['scan-range', `${base}..HEAD`])).toMatchObject({ code: 0, findings: [] });

    const other = sandbox.repo(`renames-history-${repos}`);
    const added = other.commit('add', { 'keys.ini': fixture });
    other.git('mv', 'keys.ini', 'moved.ini');
    other.commit('move');
    const { findings } = other.keyguardJson(['scan-history']);
    expect(findings.map((f: Record<string, unknown>) => `${f.file}@${f.commit}`)).toEqual([`keys.ini@${added}`, `keys.ini@${added}`]);
  });
});
