import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountOfKeyId } from '../src/respond/account.js';
import { BIN } from './helpers/cli.js';
import { fakeKeyId, fakeKeyIdOfAccount, fakeSecret, fakeSessionToken } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';
import { standInSts } from './helpers/sts.js';

// After a leak: whose key is it, is it live, what to run, how to purge it.
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

const OURS = '609629065308';
const THEIRS = '444433332222';

describe('attribution, offline', () => {
  it('reads the account out of a key ID, as AWS documents it', () => {
    expect(accountOfKeyId('ASIAY34FZKBOKMUTVV7A')).toBe('609629065308');
    for (const account of [OURS, THEIRS, '000000000001', '999999999999']) {
      expect(accountOfKeyId(fakeKeyIdOfAccount(account, account))).toBe(account);
      expect(accountOfKeyId(fakeKeyIdOfAccount(account, account, 'ASIA'))).toBe(account);
    }
    expect(accountOfKeyId('not-a-key')).toBeNull();
  });

  it('reports the account on key-ID findings, yours or a stranger\'s as .keyguard.json says', () => {
    const repo = sandbox.repo('attribution');
    const ours = fakeKeyIdOfAccount(OURS, 'ours');
    const theirs = fakeKeyIdOfAccount(THEIRS, 'theirs');
    repo.write('a.env', `OURS=${ours}\n\n\n\n\nTHEIRS=${theirs}\n`);
    const plain = repo.keyguardJson(['scan', 'a.env']).findings;
    expect(plain.map((f) => [f.account, f.accountName])).toEqual([[OURS, undefined], [THEIRS, undefined]]);
    repo.write('.keyguard.json', JSON.stringify({ accounts: { [OURS]: 'production' } }));
    const declared = repo.keyguardJson(['scan', 'a.env']).findings;
    expect(declared.map((f) => [f.account, f.accountName])).toEqual([[OURS, 'production'], [THEIRS, null]]);
    const text = repo.keyguard(['scan', 'a.env']).stdout;
    expect(text).toContain(`AWS account ${OURS}: yours (production)`);
    expect(text).toContain(`AWS account ${THEIRS}: not one of this repository's accounts`);
    const sarif = JSON.parse(repo.keyguard(['scan', 'a.env', '--format', 'sarif']).stdout);
    expect(sarif.runs[0].results[0].properties).toMatchObject({ account: OURS, accountName: 'production' });
    repo.write('.keyguard.json', '{ "accounts": ["nope"] }');
    const bad = repo.keyguard(['scan', 'a.env']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^keyguard: \.keyguard\.json: "accounts" must map account IDs to names/);
  });
});

describe('remediation per finding', () => {
  it('names the commands for a long-term key, with the ID in full only under --no-mask', () => {
    const repo = sandbox.repo('remediation');
    const id = fakeKeyId('steps');
    repo.write('creds', `aws_access_key_id = ${id}\naws_secret_access_key = ${fakeSecret('steps')}\n`);
    const [key, secret] = repo.keyguardJson(['scan', 'creds']).findings as Array<{ remediation: string[] }>;
    expect(key.remediation[0]).toBe(`Deactivate it now: aws iam update-access-key --access-key-id ${id.slice(0, 4)}************${id.slice(-4)} --status Inactive`);
    expect(key.remediation.join('\n')).toMatch(/aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=AKIA\*+/);
    expect(secret.remediation).toEqual(key.remediation); // the secret's key is the ID beside it
    expect(JSON.stringify(repo.keyguardJson(['scan', 'creds']).findings)).not.toContain(id);
    const shown = repo.keyguardJson(['scan', 'creds', '--no-mask']).findings as Array<{ remediation: string[] }>;
    expect(shown[0].remediation[0]).toContain(`--access-key-id ${id} --status Inactive`);
  });

  it('tells a temporary key and a session token to revoke the role\'s sessions', () => {
    const repo = sandbox.repo('remediation-sts');
    repo.write('sts', `AWS_ACCESS_KEY_ID=${fakeKeyId('tmp', 'ASIA')}\nAWS_SECRET_ACCESS_KEY=${fakeSecret('tmp')}\nAWS_SESSION_TOKEN=${fakeSessionToken('tmp')}\n`);
    const findings = repo.keyguardJson(['scan', 'sts']).findings as Array<{ ruleId: string; remediation: string[] }>;
    const token = findings.find((f) => f.ruleId === 'aws-session-token')!;
    expect(token.remediation[0]).toMatch(/^Revoke the role's sessions issued until now: aws iam put-role-policy --role-name <role-name> --policy-name AWSRevokeOlderSessions --policy-document '\{"Version":"2012-10-17",.*"aws:TokenIssueTime":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    expect(findings.find((f) => f.ruleId === 'aws-access-key-id')!.remediation[0]).toMatch(/^A temporary key \(ASIA\) ends with its session/);
  });
});

describe('--verify against a stand-in STS', () => {
  const live = { id: fakeKeyId('live'), secret: fakeSecret('live') };
  const revoked = { id: fakeKeyId('revoked'), secret: fakeSecret('revoked') };
  const wrongSecret = { id: fakeKeyId('wrong'), secret: fakeSecret('wrong') };
  let sts: Awaited<ReturnType<typeof standInSts>>;
  let repo: ReturnType<Sandbox['repo']>;

  beforeAll(async () => {
    sts = await standInSts({
      [live.id]: { secret: live.secret, arn: `arn:aws:iam::${OURS}:user/alice` },
      [wrongSecret.id]: { secret: fakeSecret('the real one'), arn: `arn:aws:iam::${OURS}:user/bob` },
    });
    repo = sandbox.repo('verify');
    const pair = (p: { id: string; secret: string }) => `aws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
    repo.write('live.ini', pair(live)).write('revoked.ini', pair(revoked)).write('wrong.ini', pair(wrongSecret));
  });
  afterAll(() => sts.close());

  // keyguard runs as a child process, so the stand-in answers while the test waits for it asynchronously.
  const scan = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; findings: Array<Record<string, any>> }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'scan', ...args, '--format', 'json'], { cwd: repo.dir, env: { ...repo.env, ...env } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.on('close', (code: number) => resolve({ code, findings: JSON.parse(out) }));
    });

  it('sends nothing without --verify', async () => {
    await scan(['live.ini'], { AWS_ENDPOINT_URL_STS: sts.url });
    expect(sts.requests).toEqual([]);
  });

  it('says active with the ARN, invalid for an unknown key or a wrong secret, one request per pair', async () => {
    const { findings } = await scan(['live.ini', 'revoked.ini', 'wrong.ini', '--verify'], { AWS_ENDPOINT_URL_STS: sts.url });
    const of = (file: string) => findings.filter((f) => f.file === file).map((f) => f.verification);
    expect(of('live.ini')).toEqual([expect.objectContaining({ status: 'active', account: OURS, arn: `arn:aws:iam::${OURS}:user/alice`, user: 'alice' }), expect.objectContaining({ status: 'active' })]);
    expect(of('revoked.ini')[0]).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/^InvalidClientTokenId/) });
    expect(of('wrong.ini')[0]).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/^SignatureDoesNotMatch/) });
    expect(sts.requests.sort()).toEqual([live.id, revoked.id, wrongSecret.id].sort());
    // Verification names the user: the remediation uses it.
    expect(findings.find((f) => f.file === 'live.ini')!.remediation[0]).toMatch(/--status Inactive --user-name alice$/);
  });

  it('says error, never inactive, when STS cannot be reached', async () => {
    const { findings } = await scan(['live.ini', '--verify'], { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    expect(findings[0].verification).toMatchObject({ status: 'error', reason: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe.runIf(spawnSync('git', ['filter-repo', '--version']).status === 0)('purging a history', () => {
  it('writes a 0600 list that git filter-repo reads, after which scan-history is clean', () => {
    const repo = sandbox.repo('purge');
    const id = fakeKeyId('purge');
    repo.commit('add settings', { 'deploy.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${fakeSecret('purge')}\n` });
    repo.commit('encoded too', { 'k8s.yaml': `data:\n  key: ${Buffer.from(`AWS_ACCESS_KEY_ID=${id}\n`).toString('base64')}\n` });
    repo.commit('remove', { 'deploy.env': '' });
    expect(repo.keyguard(['scan-history']).code).toBe(1);
    const list = sandbox.path('replacements.txt');
    expect(repo.keyguard(['scan-history', '--format', 'replacements']).stderr).toMatch(/needs --no-mask and --output FILE/);
    repo.keyguard(['scan-history', '--format', 'replacements', '--no-mask', '--output', list]);
    expect(statSync(list).mode & 0o777).toBe(0o600);
    execFileSync('git', ['filter-repo', '--force', '--replace-text', list], { cwd: repo.dir, env: repo.env, stdio: 'ignore' });
    const after = repo.keyguard(['scan-history']);
    expect(after.stdout + after.stderr).toMatch(/no secrets found/);
    expect(after.code).toBe(0);
  });
});
