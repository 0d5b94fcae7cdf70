import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactLocation, sarifReporter } from '../src/report/sarif.js';
import { emptyStats, type Finding } from '../src/types.js';
import { detect } from './helpers/detect.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

// The published SARIF 2.1.0 schema (rtm.5, the one SchemaStore serves and GitHub code scanning validates
// uploads against), copied unchanged from the npm package @microsoft/jest-sarif 1.0.0-beta.0
// (lib/schemas/sarif-2.1.0-rtm.5.json, MIT). It is draft-04, hence ajv-draft-04.
const schema = JSON.parse(readFileSync(fileURLToPath(new URL('./schemas/sarif-2.1.0-rtm.5.json', import.meta.url)), 'utf8'));
// unicodeRegExp off: the schema's language-tag pattern has a stray ']' that only non-unicode regexes accept.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function expectValidSarif(document: string) {
  const log = JSON.parse(document);
  const valid = validate(log);
  expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
  expect(valid).toBe(true);
  return log;
}

const id = fakeKeyId('sarif');
const secret = fakeSecret('sarif');
const remediation = new Map([['aws-access-key-id', 'Deactivate the key.'], ['aws-secret-access-key', 'Rotate the pair.']]);
const commit = { sha: 'a'.repeat(40), author: 'Test Author', email: 'author@example.com', date: '2024-01-02T03:04:05Z' };

describe('SARIF against the published 2.1.0 schema', () => {
  it('has a validator that rejects what the schema forbids', () => {
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'k' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).toBe(false);
  });

  it('validates a report of history findings, with the commit in properties and partial fingerprints', () => {
    const findings: Finding[] = detect(`AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`, 'config dir/.env').map((finding) => ({ ...finding, commit, source: 'history', commits: 2 }));
    const stats = { ...emptyStats(), commits: 3, notes: ['shallow clone: history before the graft is not scanned'] };
    const document = sarifReporter(findings, stats, { mask: true, target: 'history of repo', remediation });
    const log = expectValidSarif(document);
    expect(document).not.toContain(secret);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual(['aws-access-key-id', 'aws-secret-access-key']);
    expect(run.tool.driver.rules[1]).toMatchObject({ help: { text: 'Rotate the pair.' }, defaultConfiguration: { level: 'error' }, properties: { 'security-severity': '9.5' } });
    expect(run.results[1]).toMatchObject({
      ruleId: 'aws-secret-access-key',
      ruleIndex: 1,
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'config%20dir/.env', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 23, endColumn: 63 } } }],
      partialFingerprints: { 'keyguardFingerprint/v1': findings[1].fingerprint, 'commitSha/v1': commit.sha },
      properties: { commit: commit.sha, source: 'history', commits: 2 },
    });
  });

  it('validates an empty report, and a file outside any repository as a file: URL', () => {
    expectValidSarif(sarifReporter([], emptyStats(), { mask: true, target: '.', remediation }));
    const [finding] = detect(`key=${id}`, '/tmp/outside/key.txt');
    const log = expectValidSarif(sarifReporter([finding], emptyStats(), { mask: true, target: '/tmp/outside', remediation }));
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'file:///tmp/outside/key.txt' });
  });

  it('validates findings a change allows itself (ci --trust-pr-allows) as accepted suppressions', () => {
    const [kept, allowed] = detect(`AWS_ACCESS_KEY_ID=${id}\nAWS_ACCESS_KEY_ID=${fakeKeyId('sarif-allowed')} # keyguard:allow\n`, 'deploy.env');
    const changeAllows = [{ finding: allowed, allow: 'inline allow comment' }];
    const log = expectValidSarif(sarifReporter([kept], emptyStats(), { mask: true, target: 'pull request', remediation, changeAllows }));
    expect(log.runs[0].results).toHaveLength(2);
    expect(log.runs[0].results[0].suppressions).toBeUndefined();
    expect(log.runs[0].results[1]).toMatchObject({ suppressions: [{ kind: 'inSource', status: 'accepted', justification: expect.stringMatching(/^allowed by this change, for reviewers to check: .*deploy\.env:2.*inline allow comment/) }] });
  });

  it('writes repository-relative URIs with forward slashes', () => {
    expect(artifactLocation('src\\deploy\\aws.ts')).toEqual({ uri: 'src/deploy/aws.ts', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('./a/b#c.txt').uri).toBe('a/b%23c.txt');
  });
});

describe('keyguard scan --format sarif', () => {
  let sandbox: Sandbox;
  let repo: Repo;
  beforeAll(() => {
    sandbox = new Sandbox();
    repo = sandbox.repo();
    repo.commit('add config', { 'deploy/prod.env': `AWS_ACCESS_KEY_ID=${id}\n` });
  });
  afterAll(() => sandbox.cleanup());

  it('prints a valid SARIF log and exits 1', () => {
    const { code, stdout } = repo.keyguard(['scan', '--format', 'sarif']);
    expect(code).toBe(1);
    const log = expectValidSarif(stdout);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/prod.env');
    expect(stdout).not.toContain(id);
  });
});
