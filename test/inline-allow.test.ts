import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

let sandbox: Sandbox;

beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => sandbox.cleanup());

describe('inline allow comments', () => {
  it.each([
    ['keyguard:allow', (key: string) => `key = "${key}"  // keyguard:allow test fixture, never deployed`],
    ['gitleaks:allow', (key: string) => `KEY=${key} # gitleaks:allow`],
    ['pragma: allowlist secret', (key: string) => `key: ${key}  # pragma: allowlist secret`],
    ['pragma: whitelist secret', (key: string) => `key: ${key}  # pragma: whitelist secret`],
  ])('%s allows the findings of its own line only', (marker, line) => {
    const repo = sandbox.repo(`inline-${marker.replace(/\W/g, '')}`);
    const kept = fakeKeyId(`next-${marker}`);
    repo.write('config.txt', `${line(fakeKeyId(marker))}\nkey = ${kept}\n`);
    const { code, findings } = repo.keyguardJson(['scan']);
    expect(code).toBe(1);
    expect(findings.map((f) => `${f.file}:${f.line}`)).toEqual(['config.txt:2']);
  });

  it('works in the pre-commit scan, where only the added lines are seen', () => {
    const repo = sandbox.repo('inline-staged');
    repo.commit('start', { 'a.txt': 'nothing\n' });
    repo.write('a.txt', `nothing\nkey = ${fakeKeyId('staged')} # keyguard:allow\n`);
    repo.git('add', 'a.txt');
    expect(repo.keyguardJson(['scan', '--staged'])).toMatchObject({ code: 0, findings: [] });
  });

  it.each([
    ['a block comment', (key: string) => `key = "${key}"; /* keyguard:allow mock */`],
    ['an HTML comment', (key: string) => `<meta content="${key}"> <!-- gitleaks:allow -->`],
    ['a SQL comment', (key: string) => `INSERT INTO t VALUES ('${key}'); -- keyguard:allow seed data`],
    ['a comment with no space after its opener', (key: string) => `KEY=${key} #gitleaks:allow`],
    ['hashes and UUIDs beside the key', (key: string) => `${key} sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= 0f8fad5b-d9cb-469f-a165-70867728950e # keyguard:allow`],
  ])('a trailing comment after the only key of its line allows it: %s', (_name, line) => {
    const repo = sandbox.repo(`inline-ok-${_name.replace(/\W/g, '')}`);
    repo.write('fixture.txt', `${line(fakeKeyId(`ok ${_name}`))}\n`);
    expect(repo.keyguardJson(['scan'])).toMatchObject({ code: 0, findings: [] });
  });

  it.each([
    ['two keys on the line', () => `KEYS = ["${fakeKeyId('one')}", "${fakeKeyId('two')}"]  # keyguard:allow fixture`, 2],
    ['a key ID and its secret on the line', () => `id=${fakeKeyId('pair')} secret=${fakeSecret('pair')} # keyguard:allow`, 2],
    ['the words inside a JSON string value', () => `{"policy":"see keyguard:allow docs","AccessKeyId":"${fakeKeyId('json')}","SecretAccessKey":"${fakeSecret('json')}"}`, 2],
    ['a comment-like string value after the key', () => `{"AccessKeyId":"${fakeKeyId('note')}","note":"# keyguard:allow x"}`, 1],
    ['a comment before the key', () => `/* keyguard:allow */ key = "${fakeKeyId('before')}"`, 1],
    ['the key inside the allow comment', () => `x = 1 # keyguard:allow ${fakeKeyId('inside')}`, 1],
    ['a marker glued to other text', () => `url=https://host/${fakeKeyId('glued')}#keyguard:allow`, 1],
    ['a longer word', () => `key = "${fakeKeyId('longer')}" # keyguard:allowed`, 1],
  ])('an allow comment allows nothing when it is not one trailing comment for one key: %s', (name, line, count) => {
    const repo = sandbox.repo(`inline-no-${name.replace(/\W/g, '')}`);
    repo.write('config.txt', `${line()}\n`);
    const { code, findings } = repo.keyguardJson(['scan']);
    expect(code).toBe(1);
    expect(findings).toHaveLength(count);
  });

  it('reports a second key staged beside an allowed fixture key', () => {
    const repo = sandbox.repo('inline-hook-two');
    repo.commit('start', { 'a.txt': 'nothing\n' });
    repo.write('keys.py', `KEYS = ["${fakeKeyId('fixture')}", "${fakeKeyId('real')}"]  # keyguard:allow fixture\n`);
    repo.git('add', 'keys.py');
    expect(repo.keyguardJson(['scan', '--staged']).findings).toHaveLength(2);
  });
});
