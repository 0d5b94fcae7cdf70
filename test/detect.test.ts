import { describe, expect, it } from 'vitest';
import { Detector } from '../src/detect/engine.js';
import { compileRule } from '../src/rules/load.js';
import { EXAMPLE_KEY_ID, EXAMPLE_SECRET, fakeKeyId, fakeSecret, fakeSessionToken } from './helpers/keys.js';
import { detect, ruleHits } from './helpers/detect.js';

const id = fakeKeyId('detect');
const secret = fakeSecret('detect');

describe('access key IDs', () => {
  it.each(['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3TX'])('finds the %s prefix on word boundaries', (prefix) => {
    const key = fakeKeyId(prefix, prefix);
    expect(ruleHits(`key = "${key}"`)).toEqual(['aws-access-key-id@1']);
    expect(ruleHits(`key=${key},`)).toEqual(['aws-access-key-id@1']);
  });

  it('reports file, line, column and end column', () => {
    const [finding] = detect(`first line\n  id: ${id}\n`);
    expect(finding).toMatchObject({ line: 2, column: 7, endColumn: 27, secret: id, lineText: `  id: ${id}` });
  });

  it('ignores a key glued inside a longer token', () => {
    expect(ruleHits(`X${id}`)).toEqual([]);
    expect(ruleHits(`${id}Z`)).toEqual([]);
    expect(ruleHits('MARKET_CODE = "MINORASIAARCHAEOLOGYRECORDSET"')).toEqual([]);
  });

  it('ignores digits outside base32 and hand-made placeholders', () => {
    expect(ruleHits('AKIA862ZDV2ZN1XLT399')).toEqual([]);
    for (const placeholder of ['AKIAABCDEFGHIJKLMNOP', 'AKIAAAAAAAAAAAAAAAAA', 'AKIA2345672345672345', 'AKIAXXXXXXXXXXXXXXXX']) {
      expect(ruleHits(`AWS_ACCESS_KEY_ID=${placeholder}`)).toEqual([]);
    }
  });

  it('never reports AWS documented example keys', () => {
    expect(ruleHits(`AWS_ACCESS_KEY_ID=${EXAMPLE_KEY_ID}\nAWS_SECRET_ACCESS_KEY=${EXAMPLE_SECRET}`)).toEqual([]);
    expect(ruleHits('AKIDEXAMPLE AKIAI44QH8DHBEXAMPLE')).toEqual([]);
  });

  it('an example key on a line does not hide a real one beside it', () => {
    expect(ruleHits(`keys: ${EXAMPLE_KEY_ID} ${id}`)).toEqual(['aws-access-key-id@1']);
  });

  it('reports IAM unique IDs under their own low-severity rule', () => {
    const [finding] = detect(`"RoleId": "${fakeKeyId('role', 'AROA')}"`);
    expect(finding).toMatchObject({ ruleId: 'aws-iam-unique-id', severity: 'low' });
  });
});

describe('secret access keys', () => {
  it.each([
    `aws_secret_access_key = ${secret}`,
    `AWS_SECRET_ACCESS_KEY="${secret}"`,
    `  secretAccessKey: '${secret}',`,
    `aws.secretKey=${secret}`,
    `<SecretAccessKey>${secret}</SecretAccessKey>`,
    `aws configure set --aws-secret-access-key ${secret}`,
    `private static final String SECRET_KEY = "${secret}";`,
  ])('finds a secret with its keyword: %s', (line) => {
    expect(ruleHits(line)).toEqual(['aws-secret-access-key@1']);
  });

  it('pairs a secret with a key ID on the same or a nearby line', () => {
    expect(ruleHits(`new BasicAWSCredentials("${id}", "${secret}");`)).toEqual(['aws-access-key-id@1', 'aws-secret-access-key@1']);
    expect(ruleHits(`ci-user,${id},${secret},2024-01-01`)).toEqual(['aws-access-key-id@1', 'aws-secret-access-key@1']);
    expect(ruleHits(`<username>${id}</username>\n<password>${secret}</password>`)).toEqual(['aws-access-key-id@1', 'aws-secret-access-key@2']);
  });

  it('does not report a 40-character value with no keyword and no key ID near it', () => {
    expect(ruleHits(`value = "${secret}"`)).toEqual([]);
    expect(ruleHits(`${id}\n\n\n\n\nvalue = "${secret}"`)).toEqual(['aws-access-key-id@1']);
  });

  it.each([
    ['a SHA-1', 'aws_secret_access_key = 385d7069b1f3a18fe0fb0cffdc91d7665cfb4fe3'],
    ['a camelCase identifier', 'secretKey = SecretAccessKeyProviderFactoryBuilderImpls'],
    ['a sequence', 'AWS_SECRET_ACCESS_KEY=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn'],
    ['a repeated piece', 'AWS_SECRET_ACCESS_KEY=abcdABCD1234abcdABCD1234abcdABCD1234abcd'],
    ['a template variable', 'AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}'],
    ['an environment lookup', 'secret = process.env.AWS_SECRET_ACCESS_KEY || os.environ["AWS_SECRET_ACCESS_KEY"]'],
    ['a placeholder', 'AWS_SECRET_ACCESS_KEY=<YOUR_SECRET_ACCESS_KEY>'],
    ['masked stars', 'AWS_SECRET_ACCESS_KEY=****************************************'],
    ['a path', 'secret_key_file = /srv/main/SecretAccessKeyProvider/home/work/a'],
  ])('does not report %s', (_name, line) => {
    expect(ruleHits(line)).toEqual([]);
  });

  it.each([
    ['an npm integrity string', `"integrity": "sha512-${'YBOk1XtsTU9wrcdZ3n4DFGRomIGB8ERVailmmNxRUsGDLuLcPYo3iJqr6yuCfUWwQdFrPgLIOuw6jC3jAel4Cw=='}", "secret": true`],
    ['a UUID', `secret_id = "ee0182c8-a9e9-4a84-8581-6aa2cd2a0157" ${id}`],
    ['a JWT', `secret: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyOTk2NCIsIm5hbWUiOiJHcmFjZSBUYW5ha2EifQ.JC9-Uedo_PyYxW1`],
    ['a go.sum hash', 'golang.org/x/secret v0.1.0 h1:8I7cyIwQ5ZBdwoNgYFwLeE3mSLaxQ0vDZJ5mENXSvdE='],
    ['a base64 image', `secret_icon = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="`],
    ['an SSH public key', 'secret: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIuDRubo0dEjfKYGraDCOEKvTv0V/jeCVza/PmVB9uZol alice@mbp'],
  ])('does not report a secret in %s', (_name, line) => {
    expect(detect(line).filter((f) => f.ruleId === 'aws-secret-access-key')).toEqual([]);
  });
});

describe('session tokens, account IDs, Bedrock keys', () => {
  it('finds a session token by keyword or by its STS shape', () => {
    const token = fakeSessionToken('s');
    expect(ruleHits(`aws_session_token = ${token}`)).toEqual(['aws-session-token@1']);
    expect(ruleHits(`"${token}"`)).toEqual(['aws-session-token@1']);
    expect(ruleHits('AWS_SESSION_TOKEN="AQoDYXdzEJr...<remainder of security token>"')).toEqual([]);
  });

  it('finds account IDs by keyword, not documented ones', () => {
    expect(detect('AWS_ACCOUNT_ID=690218263670')[0]).toMatchObject({ ruleId: 'aws-account-id', severity: 'low', secret: '690218263670' });
    expect(ruleHits('  allowed_account_ids = ["527638555006"]')).toEqual(['aws-account-id@1']);
    expect(ruleHits('AWS_ACCOUNT_ID: "7145-9910-1350"')).toEqual(['aws-account-id@1']);
    expect(ruleHits('    "Account": "690218263670",')).toEqual(['aws-account-id@1']); // aws sts get-caller-identity
    expect(ruleHits('aws_account_id = "123456789012"\nAWS_ACCOUNT_ID=111122223333')).toEqual([]);
    expect(ruleHits('order_id = 690218263670')).toEqual([]);
  });

  it('finds Bedrock API keys', () => {
    const key = `ABSK${Buffer.from(`BedrockAPIKey-abcd-at-123456789012:${fakeSecret('bedrock')}`).toString('base64')}`;
    expect(ruleHits(`BEDROCK_KEY=${key}`)).toEqual(['aws-bedrock-api-key@1']);
  });
});

describe('encoded secrets', () => {
  it('finds base64-encoded keys (Kubernetes Secret data) at the encoded location', () => {
    const text = `data:\n  aws_access_key_id: ${Buffer.from(id).toString('base64')}\n  aws_secret_access_key: ${Buffer.from(secret).toString('base64')}`;
    const findings = detect(text);
    expect(findings.map((f) => [f.ruleId, f.line, f.column, f.secret, f.decoded])).toEqual([
      ['aws-access-key-id', 2, 22, id, 'base64'],
      ['aws-secret-access-key', 3, 26, secret, 'base64'],
    ]);
  });

  it('finds an encoded key with no keyword near it by how its value begins', () => {
    const text = `${'filler\n'.repeat(10)}value: ${Buffer.from(id).toString('base64')}\n${Buffer.from(secret).toString('base64')}`;
    expect(detect(text).map((f) => [f.ruleId, f.line, f.decoded])).toEqual([
      ['aws-access-key-id', 11, 'base64'],
      ['aws-secret-access-key', 12, 'base64'],
    ]);
  });

  it('does not decode base64 far from any keyword', () => {
    const noise = Buffer.from(`plain words ${secret}`).toString('base64');
    expect(detect(`${'filler\n'.repeat(10)}blob: ${noise}`)).toEqual([]);
  });

  it('reports a key once when it stands unencoded inside an encoded URL', () => {
    const url = `https://bucket.s3.amazonaws.com/k?X-Amz-Credential=${id}%2F20240101%2Fus-east-1%2Fs3%2Faws4_request`;
    expect(detect(url).map((f) => [f.ruleId, f.decoded])).toEqual([['aws-access-key-id', undefined]]);
  });

  it('finds URL-encoded secrets', () => {
    const withSlash = `${secret.slice(0, 10)}/${secret.slice(11)}`;
    const url = `https://example.com/?aws_secret_access_key=${encodeURIComponent(withSlash)}`;
    expect(detect(url).map((f) => [f.ruleId, f.secret, f.decoded])).toEqual([['aws-secret-access-key', withSlash, 'url']]);
  });
});

describe('fingerprints', () => {
  it('are stable when the line moves, and differ by file', () => {
    const a = detect(`k=${id}`, 'a.txt')[0].fingerprint;
    expect(detect(`\n\n  k=${id}`, 'a.txt')[0].fingerprint).toBe(a);
    expect(detect(`k=${id}`, 'b.txt')[0].fingerprint).not.toBe(a);
  });
});

describe('rule keywords', () => {
  // A rule whose regex matches in any case, so only its keywords decide which lines it reads.
  const ruleWith = (keywords: string[]) =>
    new Detector({ rules: [compileRule({ id: 'demo', description: 'demo', severity: 'low', regex: 'value=(\\d{6})', flags: 'i', keywords }, 'test')], allowed: [] });
  const lines = (detector: Detector, text: string) => detector.detect({ file: 'f', line: 1, text, source: 'file', commit: null }).map((f) => f.line);
  const text = 'vendor value=917342\nVENDOR value=580613\nVendor value=274958';

  it('match in any case when written in lowercase, exactly as written with a capital', () => {
    expect(lines(ruleWith(['vendor']), text)).toEqual([1, 2, 3]);
    expect(lines(ruleWith(['VENDOR']), text)).toEqual([2]);
    expect(lines(ruleWith(['Vendor', 'vendor']), text)).toEqual([1, 2, 3]);
  });

  it('must be non-empty strings', () => {
    for (const keywords of [[''], [7], 'vendor']) {
      expect(() => ruleWith(keywords as string[])).toThrow('test: "keywords" must be a list of non-empty strings');
    }
  });

  it('of the built-in ID rules are the capital prefixes AWS issues', () => {
    expect(ruleHits(`key = "${id.toLowerCase()}"`)).toEqual([]);
    expect(ruleHits(`KEY = "${id}"`)).toEqual(['aws-access-key-id@1']);
  });
});
