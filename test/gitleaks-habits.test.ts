import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

// A repository moving from gitleaks keeps what it accepted there: its .gitleaksignore, and a gitleaks report
// as a baseline. gitleaks names findings by place (commit:file:rule:line), and its rule ids are its own.
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

describe('gitleaks habits', () => {
  it('honours .gitleaksignore fingerprints, with and without a commit, and nothing beside them', () => {
    const repo = sandbox.repo('gitleaksignore');
    const sha = repo.commit('keys', { 'a.env': `ID=${fakeKeyId('gl-1')}\n`, 'dir/b:c.env': `X=1\nID=${fakeKeyId('gl-2')}\n`, 'd.env': `ID=${fakeKeyId('gl-3')}\n` });
    repo.write('.gitleaksignore', `# accepted in gitleaks\n${sha}:a.env:aws-access-token:1\ndir/b:c.env:generic-api-key:2\n`);
    const history = repo.keyguardJson(['scan-history']).findings;
    expect(history.map((f) => f.file)).toEqual(['d.env']);
    const files = repo.keyguardJson(['scan', 'a.env', 'dir', 'd.env']).findings;
    expect(files.map((f) => f.file).sort()).toEqual(['a.env', 'd.env']); // a.env's entry names a commit
    repo.write('.gitleaksignore', 'not a fingerprint\n');
    const bad = repo.keyguard(['scan', 'd.env']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('keyguard: .gitleaksignore:1: not a gitleaks fingerprint (commit:file:rule:line or file:rule:line)\n');
  });

  it('takes a gitleaks JSON report as a baseline', () => {
    const repo = sandbox.repo('gitleaks-report');
    const sha = repo.commit('keys', { 'old.env': `ID=${fakeKeyId('gl-old')}\n`, 'new.env': `ID=${fakeKeyId('gl-new')}\n` });
    const report = sandbox.path('gitleaks.json');
    writeFileSync(report, JSON.stringify([{ RuleID: 'aws-access-token', File: 'old.env', StartLine: 1, Commit: sha, Secret: 'REDACTED', Fingerprint: `${sha}:old.env:aws-access-token:1` }]));
    expect(repo.keyguardJson(['scan-history', '--baseline', report]).findings.map((f) => f.file)).toEqual(['new.env']);
  });
});
