// One allow, honoured everywhere: a finding allowed the way a blocked hook says must pass every later stage —
// the commit hooks, the push, scan-history, scan-range and the CI gate — with real hooks and a real bare remote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommittedFiles, stagedFiles } from '../src/ci/repo-files.js';
import { fakeKeyId } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

let sandbox: Sandbox;
let count = 0;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

/** A clone of a fresh bare remote, one clean commit pushed to main, keyguard's hooks installed. */
function guardedClone(): Repo {
  const n = ++count;
  sandbox.repo(`remote-${n}.git`, { bare: true });
  const repo = sandbox.repo(`dev-${n}`);
  repo.git('remote', 'add', 'origin', sandbox.path(`remote-${n}.git`));
  repo.commit('first', { 'README.md': '# project\n' });
  repo.git('push', '-q', '-u', 'origin', 'main');
  expect(repo.keyguard(['install']).code).toBe(0);
  return repo;
}

/** The allow command a blocked hook printed under its one finding: how it says to run keyguard, and the id. */
function allowAdvice(stderr: string): { command: string; fingerprint: string } {
  const lines = [...stderr.matchAll(/^ {2}Not a secret\? (.+) allow ([0-9a-f]{32})$/gm)];
  expect(lines, stderr).toHaveLength(1);
  return { command: lines[0][1], fingerprint: lines[0][2] };
}

/** Runs what the hook said, as it said it (`keyguard allow <id>`): keyguard is this checkout's bin. */
function runAllow(repo: Repo, stderr: string): string {
  const { command, fingerprint } = allowAdvice(stderr);
  expect(command).toBe('keyguard');
  const added = repo.keyguard(['allow', fingerprint]);
  expect(added.stdout).toContain(`added .keyguardallow:8: fingerprint ${fingerprint}`);
  return fingerprint;
}

/** Every later stage, on a branch `topic` pushed to origin that holds the allowed finding. */
function expectEveryStagePasses(repo: Repo) {
  expect(repo.tryGit('push', '-q', 'origin', 'topic')).toMatchObject({ code: 0 });
  expect(repo.keyguardJson(['scan-history'])).toMatchObject({ code: 0, findings: [] });
  expect(repo.keyguardJson(['scan-range', 'origin/main..topic'])).toMatchObject({ code: 0, findings: [] });
}

const ci = (repo: Repo, ...extra: string[]) => repo.keyguardJson(['ci', '--base', 'origin/main', '--head', 'topic', ...extra]);

describe.each([
  {
    what: 'a key in a file',
    block: (repo: Repo, key: string) => {
      repo.write('deploy.env', `AWS_ACCESS_KEY_ID=${key}\n`).git('add', 'deploy.env');
      return repo.tryGit('commit', '-q', '-m', 'deploy settings');
    },
    retry: (repo: Repo) => repo.tryGit('commit', '-q', '-m', 'deploy settings'),
  },
  {
    what: 'a key in the commit message',
    block: (repo: Repo, key: string) => {
      repo.write('notes.txt', 'rotated\n').git('add', 'notes.txt');
      return repo.tryGit('commit', '-q', '-m', `Rotate the CI key\n\nold one: ${key}\n`);
    },
    // What the commit-msg hook says: reopen the message it kept.
    retry: (repo: Repo) => repo.tryGit('-c', 'core.editor=true', 'commit', '-q', '-e', '-F', '.git/COMMIT_EDITMSG'),
  },
])('$what, allowed the way the hook says', ({ block, retry }) => {
  it('passes the commit hooks, the push, scan-history and scan-range; the strict CI gate wants it landed first', () => {
    const repo = guardedClone();
    repo.git('checkout', '-q', '-b', 'topic');
    const key = fakeKeyId(`stages-${count}`);
    const blocked = block(repo, key);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/`git add \.keyguardallow`/);
    expect(blocked.stderr).toMatch(/The CI gate\s+\(`keyguard ci`\) reads allows from the base branch: it passes once \.keyguardallow with the entry has landed\s+there/);
    const fingerprint = runAllow(repo, blocked.stderr);

    // Not yet staged: the commit is judged by what it will hold, so it is still blocked.
    expect(retry(repo).code).toBe(1);
    repo.git('add', '.keyguardallow');
    expect(retry(repo)).toMatchObject({ code: 0 });
    expectEveryStagePasses(repo);

    // The strict gate: the change adds the allow for its own secret.
    const strict = ci(repo);
    expect(strict.code).toBe(1);
    expect(strict.findings.map((f) => f.fingerprint)).toEqual([fingerprint]);
    expect(strict.stderr).toMatch(/is added by the same change that adds the secret; .* it has to land first through review/);

    // Teams that rely on review: honoured, and listed for the reviewers.
    const trusting = ci(repo, '--trust-pr-allows');
    expect(trusting.code).toBe(0);
    expect(trusting.findings).toMatchObject([{ fingerprint, allowedByChange: 'allowlist .keyguardallow' }]);
  });

  it('passes the strict CI gate on a pull request whose base already has the allow', () => {
    const repo = guardedClone();
    repo.git('checkout', '-q', '-b', 'topic');
    const blocked = block(repo, fakeKeyId(`landed-${count}`));
    runAllow(repo, blocked.stderr);
    // The allow lands on main first, through its own review; the change follows on top of it.
    repo.git('checkout', '-q', 'main');
    repo.git('add', '.keyguardallow');
    repo.git('commit', '-q', '-m', 'Allow the fixture key', '--', '.keyguardallow');
    expect(repo.tryGit('push', '-q', 'origin', 'main')).toMatchObject({ code: 0 });
    repo.git('checkout', '-q', '-B', 'topic');
    expect(block(repo, fakeKeyId(`landed-${count}`))).toMatchObject({ code: 0 });
    expect(repo.git('rev-list', '--count', 'main..topic').trim()).toBe('1');
    expectEveryStagePasses(repo);
    expect(ci(repo)).toMatchObject({ code: 0, findings: [] });
  });
});

describe('a merge that brings in a key', () => {
  it('concludes once allowed the way the hook says, and every later stage passes', () => {
    const repo = guardedClone();
    const key = fakeKeyId('merged');
    repo.git('checkout', '-q', '-b', 'topic');
    repo.commit('fixture credentials', { 'fixtures/aws.env': `AWS_ACCESS_KEY_ID=${key}\n` }); // --no-verify
    repo.git('checkout', '-q', 'main');
    repo.commit('main work', { 'c.txt': 'c\n' });
    const blocked = repo.tryGit('merge', '--no-edit', 'topic');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/keyguard blocked this merge/);
    expect(blocked.stderr).toMatch(/then `git add \.keyguardallow` and `git commit` to conclude the merge/);
    const fingerprint = runAllow(repo, blocked.stderr);
    // The concluding commit is checked again (the merged file is staged, and MERGE_HEAD is still there), with
    // the allowlist of the index: the entry counts once it is staged, under the same fingerprint.
    const unstaged = repo.tryGit('commit', '-q', '--no-edit');
    expect(unstaged.code).not.toBe(0);
    expect(allowAdvice(unstaged.stderr).fingerprint).toBe(fingerprint);
    repo.git('add', '.keyguardallow');
    expect(repo.tryGit('commit', '-q', '--no-edit')).toMatchObject({ code: 0 });
    expect(repo.git('rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ')).toHaveLength(3);
    repo.git('checkout', '-q', '-B', 'topic');
    expectEveryStagePasses(repo);
  });
});

describe('where the hooks read the allowlist', () => {
  it('pre-push reads it at the pushed tip: an allow not committed does not count', () => {
    const repo = guardedClone();
    repo.git('checkout', '-q', '-b', 'topic');
    repo.write('app.env', `AWS_ACCESS_KEY_ID=${fakeKeyId('push-tip')}\n`).git('add', 'app.env');
    repo.git('commit', '-q', '--no-verify', '-m', 'skipped the hooks');
    const blocked = repo.tryGit('push', '-q', 'origin', 'topic');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/commit \.keyguardallow \(`git add \.keyguardallow && git commit`\) and push again/);
    runAllow(repo, blocked.stderr);
    expect(repo.tryGit('push', '-q', 'origin', 'topic').code).not.toBe(0);
    repo.git('add', '.keyguardallow');
    expect(repo.tryGit('commit', '-q', '-m', 'Allow the fixture key')).toMatchObject({ code: 0 });
    expect(repo.tryGit('push', '-q', 'origin', 'topic')).toMatchObject({ code: 0 });
  });

  it('scan --staged judges by the allowlist in the index, as the pre-commit hook does', () => {
    const repo = guardedClone();
    repo.write('app.env', `AWS_ACCESS_KEY_ID=${fakeKeyId('staged-scan')}\n`).git('add', 'app.env');
    const [finding] = repo.keyguardJson(['scan', '--staged']).findings;
    repo.keyguard(['allow', String(finding.fingerprint)]);
    expect(repo.keyguardJson(['scan', '--staged']).code).toBe(1);
    repo.git('add', '.keyguardallow');
    expect(repo.keyguardJson(['scan', '--staged'])).toMatchObject({ code: 0, findings: [] });
  });

  it('reads the policy files ahead in one git process, as each read alone would', () => {
    const repo = guardedClone();
    const allowlist = 'path docs/**  # café, 日本\r\nvalue 210987654329\n';
    repo.write('.keyguardallow', allowlist).write('.gitallowed/x', 'a directory, not a file\n').git('add', '.');
    const paths = ['.keyguardallow', '.gitallowed', 'missing'];
    for (const files of [() => stagedFiles(repo.dir), () => new CommittedFiles(repo.dir, 'HEAD')]) {
      const ahead = files().prefetch(paths);
      const alone = files();
      expect(paths.map(ahead.read)).toEqual(paths.map(alone.read));
    }
    expect(stagedFiles(repo.dir).prefetch(paths).read('.keyguardallow')).toBe(allowlist);
  });

  it('an inline allow passes the hooks and scans, and the CI gate only with --trust-pr-allows', () => {
    const repo = guardedClone();
    repo.git('checkout', '-q', '-b', 'topic');
    repo.write('fixture.py', `KEY = "${fakeKeyId('inline-stage')}"  # keyguard:allow test fixture\n`).git('add', 'fixture.py');
    expect(repo.tryGit('commit', '-q', '-m', 'fixture')).toMatchObject({ code: 0 });
    expectEveryStagePasses(repo);
    expect(ci(repo).code).toBe(1);
    expect(ci(repo, '--trust-pr-allows')).toMatchObject({ code: 0, findings: [{ file: 'fixture.py', allowedByChange: 'inline allow comment' }] });

    // Every format lists it for the reviewers, without failing and without the key in clear.
    const run = (format: string) => repo.keyguard(['ci', '--base', 'origin/main', '--head', 'topic', '--trust-pr-allows', '--format', format]);
    const notice = /allowed by this change, for reviewers to check: AWS access key ID AKIA\*+\w{4} at fixture\.py:1 in commit [0-9a-f]{12} \[aws-access-key-id\], accepted by the inline allow comment the change adds/;
    for (const format of ['text', 'json', 'sarif', 'junit', 'github']) {
      const result = run(format);
      expect(result.code, format).toBe(0);
      expect(result.stdout, format).not.toContain(fakeKeyId('inline-stage'));
    }
    expect(run('text').stdout).toMatch(new RegExp(`^notice: ${notice.source}$`, 'm'));
    expect(run('github').stdout).toMatch(new RegExp(`^::notice file=fixture\\.py,line=1,col=\\d+,title=keyguard%3A allowed by this change::${notice.source}$`, 'm'));
    expect(run('junit').stdout).toMatch(/failures="0" errors="0" skipped="1"[\s\S]*<skipped message="allowed by this change/);
    expect(JSON.parse(run('sarif').stdout).runs[0].results[0].suppressions[0].justification).toMatch(notice);
  });

  it('with two findings, each allow command stands under its own finding', () => {
    const repo = guardedClone();
    const [first, second] = [fakeKeyId('two-a'), fakeKeyId('two-b')];
    repo.write('a.env', `ID=${first}\n`).write('b.env', `ID=${second}\n`).git('add', '.');
    const blocked = repo.tryGit('commit', '-q', '-m', 'two');
    const fingerprints = Object.fromEntries(repo.keyguardJson(['scan', '--staged']).findings.map((f) => [f.file, f.fingerprint]));
    for (const file of ['a.env', 'b.env']) {
      expect(blocked.stderr).toMatch(new RegExp(`  ${file.replace('.', '\\.')}:1:4 [^\\n]*\\n(?:  [^\\n]*\\n){2}  Not a secret\\? keyguard allow ${fingerprints[file]}\\n`));
    }
  });
});
