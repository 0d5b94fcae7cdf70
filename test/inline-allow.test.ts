import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKeyId } from './helpers/keys.js';
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
});
