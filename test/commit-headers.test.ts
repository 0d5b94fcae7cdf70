// Keys in a commit object's header, which keyguard's git log shows nothing of but the author's name and email
// (and reads no rule over): the committer, the author too, a crafted object's extra header lines, a merged
// tag's message (mergetag), the signature. Real git throughout: crafted objects are written with
// `git hash-object --literally`, pushes go to a local bare remote and fire the installed pre-push hook.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_KEY_ID, EXAMPLE_SECRET, fakeKeyId, fakeSecret, seededBytes } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;
/** A repository with a first commit; returns it and that commit. */
function newRepo(): { repo: Repo; base: string } {
  const repo = sandbox.repo(`headers-${++repos}`);
  return { repo, base: repo.commit('first', { 'README.md': '# project\n' }) };
}

const PERSON = 'Test Author <author@example.com> 1700000000 +0100';

/**
 * A commit object written as given, after its tree and parent (HEAD's): `lines` are the rest of its header,
 * `author` and `committer` included. HEAD moves to it; returns its id.
 */
function crafted(repo: Repo, lines: string[], message = 'update\n'): string {
  const tree = repo.git('write-tree').trim();
  const parent = repo.git('rev-parse', 'HEAD').trim();
  const object = `tree ${tree}\nparent ${parent}\n${lines.join('\n')}\n\n${message}`;
  const id = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { cwd: repo.dir, env: repo.env, input: object, encoding: 'utf8' }).trim();
  repo.git('update-ref', 'HEAD', id);
  return id;
}

/** A real `git commit` (hooks skipped) by these author and committer identities; returns its id. */
function commitAs(repo: Repo, identity: Record<string, string>, message: string): string {
  execFileSync('git', ['commit', '-q', '--allow-empty', '--no-verify', '-m', message], { cwd: repo.dir, env: { ...repo.env, ...identity } });
  return repo.git('rev-parse', 'HEAD').trim();
}

/**
 * A signature's lines as git stores one in a `gpgsig` header: armor, then `bytes` of generated data in base64
 * lines of `width` (the last one shorter), each continuation line starting with a space.
 */
function signature(seed: string, bytes: number, width: number, kind: 'PGP' | 'SSH'): string[] {
  const base64 = seededBytes(seed, bytes).toString('base64');
  const lines = base64.match(new RegExp(`.{1,${width}}`, 'g'))!;
  const body = kind === 'PGP' ? ['', ...lines, `=${seededBytes(`${seed}-crc`, 3).toString('base64')}`] : lines;
  return [`gpgsig -----BEGIN ${kind} SIGNATURE-----`, ...body.map((line) => ` ${line}`), ` -----END ${kind} SIGNATURE-----`];
}

const places = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}:${f.column}`).sort();

describe('keys in a commit header', () => {
  it('a key pair as the committer: scan-history, scan-range, ci and the pre-push hook report it', () => {
    const { repo, base } = newRepo();
    const keyId = fakeKeyId('committer');
    const id = commitAs(repo, { GIT_COMMITTER_NAME: keyId, GIT_COMMITTER_EMAIL: `${fakeSecret('committer')}@example.com` }, 'routine change');
    expect(repo.git('log', '-1')).not.toContain(keyId); // what git log shows of it
    // line 4 is the committer's (tree, parent, author, committer): the key ID at 11, the secret in the email at 33
    const want = ['(commit header):4:11', '(commit header):4:33'];
    const history = repo.keyguardJson(['scan-history']);
    expect(history.code).toBe(1);
    expect(places(history.findings)).toEqual(want);
    expect(history.findings[0]).toMatchObject({ commit: id, message: true, author: 'Test Author', email: 'author@example.com' });
    expect(places(repo.keyguardJson(['scan-range', `${base}..HEAD`]).findings)).toEqual(want);
    expect(places(repo.keyguardJson(['ci', '--base', base]).findings)).toEqual(want);
    expect(repo.keyguardJson(['scan-range', `${base}..${base}`]).findings).toEqual([]); // a range without it

    const remote = sandbox.repo(`headers-remote-${repos}.git`, { bare: true });
    repo.git('remote', 'add', 'origin', remote.dir);
    repo.git('push', '-q', '--no-verify', 'origin', `${base}:refs/heads/main`);
    expect(repo.keyguard(['install']).code).toBe(0);
    const push = repo.tryGit('push', 'origin', 'main');
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('(commit header):4');
  });

  it('a key as the author, whom git log names: found in the header, reported once', () => {
    const { repo } = newRepo();
    const keyId = fakeKeyId('author');
    const identity = { GIT_AUTHOR_NAME: keyId, GIT_COMMITTER_NAME: keyId };
    const id = commitAs(repo, identity, 'routine change');
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(places(findings)).toEqual(['(commit header):3:8']);
    expect(findings[0]).toMatchObject({ commit: id, author: keyId });
  });

  it('a key pair split over two extra header lines, and a key as the encoding: the pair works across lines', () => {
    const { repo, base } = newRepo();
    const id = crafted(repo, [`author ${PERSON}`, `committer ${PERSON}`, `x-deploy-id ${fakeKeyId('extra')}`, `x-deploy-secret ${fakeSecret('extra')}`]);
    const encoded = crafted(repo, [`author ${PERSON}`, `committer ${PERSON}`, `encoding ${fakeKeyId('encoding')}`]);
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(findings.map((f) => `${f.commit === id ? 'extra' : f.commit === encoded ? 'encoding' : f.commit} ${f.file}:${f.line}:${f.column} ${f.ruleId}`).sort()).toEqual([
      'encoding (commit header):5:10 aws-access-key-id',
      'extra (commit header):5:13 aws-access-key-id',
      'extra (commit header):6:17 aws-secret-access-key',
    ]);
    expect(places(repo.keyguardJson(['ci', '--base', base]).findings)).toEqual(places(findings));
  });

  it("a merged tag's message (mergetag) holding a key pair", () => {
    const { repo, base } = newRepo();
    const side = repo.commit('side');
    const tag = [`object ${side}`, 'type commit', 'tag v1.0', `tagger ${PERSON}`, '', 'release', '', `aws_access_key_id = ${fakeKeyId('mergetag')}`, `aws_secret_access_key = ${fakeSecret('mergetag')}`];
    const tree = repo.git('write-tree').trim();
    const object = `tree ${tree}\nparent ${base}\nparent ${side}\nauthor ${PERSON}\ncommitter ${PERSON}\nmergetag ${tag[0]}\n${tag.slice(1).map((line) => ` ${line}`).join('\n')}\n\nMerge tag 'v1.0'\n`;
    const merge = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: repo.dir, env: repo.env, input: object, encoding: 'utf8' }).trim();
    repo.git('update-ref', 'HEAD', merge);
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(places(findings)).toEqual(['(commit header):13:22', '(commit header):14:26']);
    expect(findings.every((f) => f.commit === merge)).toBe(true);
  });

  it("an annotated tag's header: a key pair as the tagger, reported once, as the tag's header", () => {
    const { repo, base } = newRepo();
    const tagger = `${fakeKeyId('tagger')} <${fakeSecret('tagger')}@example.com> 1700000000 +0100`;
    const object = `object ${base}\ntype commit\ntag v1.0\ntagger ${tagger}\n\nrelease\n`;
    const tag = execFileSync('git', ['hash-object', '-t', 'tag', '-w', '--stdin'], { cwd: repo.dir, env: repo.env, input: object, encoding: 'utf8' }).trim();
    repo.git('update-ref', 'refs/tags/v1.0', tag);
    const { findings } = repo.keyguardJson(['scan-history']);
    expect(places(findings)).toEqual(['(tag v1.0 header):4:30', '(tag v1.0 header):4:8']);
    expect(findings.every((f) => f.commit === tag)).toBe(true);
    const sarif = JSON.parse(repo.keyguard(['scan-history', '--format', 'sarif']).stdout);
    expect(sarif.runs[0].results[0].message.text).toContain(`in the header of commit ${tag}`);
  });

  it('reports name the header: text, SARIF; an incremental scan reports it again with nothing new', () => {
    const { repo } = newRepo();
    const id = commitAs(repo, { GIT_COMMITTER_NAME: fakeKeyId('report') }, 'routine change');
    expect(repo.keyguard(['scan-history']).stdout).toContain(`(commit header):4:11 in commit ${id.slice(0, 12)} (Test Author, 2`);
    const sarif = JSON.parse(repo.keyguard(['scan-history', '--format', 'sarif']).stdout);
    const [result] = sarif.runs[0].results;
    expect(result.message.text).toContain(`in the header of commit ${id}`);
    expect(result.locations[0].logicalLocations[0]).toMatchObject({ name: 'commit header', fullyQualifiedName: `commit ${id}` });
    const first = repo.keyguardJson(['scan-history', '--incremental']).findings;
    expect(places(first)).toEqual(['(commit header):4:11']);
    expect(repo.keyguardJson(['scan-history', '--incremental']).findings).toEqual(first);
  });
});

describe('hard negatives', () => {
  it('signed commits (PGP and SSH signatures of generated base64, a 40-character last line) and an ordinary history', () => {
    const { repo, base } = newRepo();
    repo.commit('second', { 'a.txt': 'a\n' });
    const web = 'GitHub <noreply@github.com> 1700000000 +0000';
    // 540 bytes: 720 characters, eleven lines of 64 and one of 16; 270 bytes: five lines of 64 and one of exactly
    // 40, a secret's shape (its entropy too), with a committer other than the author as GitHub's merges have
    crafted(repo, [`author ${PERSON}`, `committer ${web}`, ...signature('pgp', 540, 64, 'PGP')], 'Merge pull request #1\n');
    crafted(repo, [`author ${PERSON}`, `committer ${web}`, ...signature('pgp-40', 270, 64, 'PGP')]);
    crafted(repo, [`author ${PERSON}`, `committer ${PERSON}`, ...signature('ssh', 330, 70, 'SSH')]);
    crafted(repo, [`author ${PERSON}`, `committer ${PERSON}`, 'encoding ISO-8859-1', ...signature('sha256', 560, 64, 'PGP').map((line) => line.replace(/^gpgsig /, 'gpgsig-sha256 '))]);
    expect(repo.git('cat-file', 'commit', 'HEAD~2')).toMatch(/\n [A-Za-z0-9+/]{40}\n =/);
    expect(repo.keyguardJson(['scan-history'])).toMatchObject({ code: 0, findings: [] });
    expect(repo.keyguardJson(['ci', '--base', base])).toMatchObject({ code: 0, findings: [] });
  });

  it("AWS's documented example keys in a header are not reported", () => {
    const { repo } = newRepo();
    commitAs(repo, { GIT_COMMITTER_NAME: EXAMPLE_KEY_ID, GIT_COMMITTER_EMAIL: `${EXAMPLE_SECRET}@example.com` }, 'docs');
    crafted(repo, [`author ${PERSON}`, `committer ${PERSON}`, `x-example-id ${EXAMPLE_KEY_ID}`, `x-example-secret ${EXAMPLE_SECRET}`]);
    expect(repo.keyguardJson(['scan-history'])).toMatchObject({ code: 0, findings: [] });
  });
});
