// Credentials as real repositories hold them: a name on one line and its value on the next, every STS token
// shape, account IDs in every configuration language, AWS's other bearer credentials, and placeholders that
// keep a real prefix.
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_SECRET, fakeAppSyncKey, fakeKeyId, fakeLegacySessionToken, fakeMwsToken, fakeSecret, fakeSessionToken, fakeSmtpPassword } from './helpers/keys.js';
import { detect, ruleHits } from './helpers/detect.js';
import { Sandbox } from './helpers/repo.js';

const id = fakeKeyId('shapes');
const secret = fakeSecret('shapes');
const token = fakeSessionToken('shapes');

describe('a name on one line, its value on the next', () => {
  it.each([
    ['Hadoop core-site.xml', `<property>\n  <name>fs.s3a.secret.key</name>\n  <value>${secret}</value>\n</property>`, 3],
    ['a Kubernetes env list', `env:\n  - name: AWS_SECRET_ACCESS_KEY\n    value: "${secret}"`, 3],
    ['an ECS task definition', `{\n  "name": "AWS_SECRET_ACCESS_KEY",\n  "value": "${secret}"\n}`, 3],
    ['a plist', `<key>AWSSecretKey</key>\n<string>${secret}</string>`, 2],
    ['CloudFormation parameters', `- ParameterKey: AwsSecretKey\n  ParameterValue: ${secret}`, 2],
    ['CloudFormation parameters as JSON', `{\n  "ParameterKey": "AwsSecretKey",\n  "ParameterValue": "${secret}"\n}`, 3],
    ['an SSM parameter', `{\n  "Name": "/prod/aws/secret_key",\n  "Value": "${secret}",\n  "Type": "SecureString"\n}`, 3],
  ])('finds a secret named on a line above: %s', (_name, text, line) => {
    expect(ruleHits(text)).toEqual([`aws-secret-access-key@${line}`]);
  });

  it('finds session tokens and base64-encoded values the same way', () => {
    expect(ruleHits(`<name>fs.s3a.session.token</name>\n<value>${fakeSecret('a')}${fakeSecret('b')}${fakeSecret('c')}</value>`)).toEqual(['aws-session-token@2']);
    expect(ruleHits(`- name: AWS_SESSION_TOKEN\n  value: ${fakeSecret('d')}${fakeSecret('e')}${fakeSecret('f')}`)).toEqual(['aws-session-token@2']);
    const encoded = detect(`data:\n  - key: aws_secret_access_key\n    value: ${Buffer.from(secret).toString('base64')}`);
    expect(encoded.map((f) => [f.ruleId, f.line, f.secret, f.decoded])).toEqual([['aws-secret-access-key', 3, secret, 'base64']]);
  });

  it('reads only the line above: the entry before a list item names nothing in it', () => {
    expect(ruleHits(`- name: AWS_SECRET_ACCESS_KEY\n  valueFrom:\n    secretKeyRef: {name: aws, key: secret}\n- name: BUILD_ID\n  value: ${secret}`)).toEqual([]);
  });

  it('a name whose value stands on its own line names nothing further down', () => {
    expect(ruleHits(`aws_secret_access_key = ${secret}\nchecksum = ${fakeSecret('other')}`)).toEqual(['aws-secret-access-key@1']);
    expect(ruleHits(`aws_secret_access_key = 385d7069b1f3a18fe0fb0cffdc91d7665cfb4fe3\nchecksum = ${fakeSecret('other')}`)).toEqual([]);
  });

  it.each([
    ['a SHA-1', '<name>fs.s3a.secret.key</name>\n<value>385d7069b1f3a18fe0fb0cffdc91d7665cfb4fe3</value>'],
    ['the documented example', `- name: AWS_SECRET_ACCESS_KEY\n  value: ${EXAMPLE_SECRET}`],
    ['a template variable', '- name: AWS_SECRET_ACCESS_KEY\n  value: ${{ secrets.AWS_SECRET_ACCESS_KEY_FOR_PRODUCTION }}'],
    ['a placeholder', '<key>AWSSecretKey</key>\n<string>abcdABCD1234abcdABCD1234abcdABCD1234abcd</string>'],
    ['a name that is not a secret', `- name: BUILD_CACHE_KEY\n  value: ${secret}`],
  ])('does not report %s on the value line', (_name, text) => {
    expect(ruleHits(text)).toEqual([]);
  });
});

describe('STS session tokens', () => {
  it.each(['FQoDYXdzE', 'FQoGZXIvYXdzE', 'FwoGZXIvYXdzE', 'AQoDYXdzE'])('finds the %s… shape with no keyword', (prefix) => {
    const legacy = fakeLegacySessionToken('shape', prefix);
    expect(detect(`  creds: "${legacy}"`).map((f) => [f.ruleId, f.secret])).toEqual([['aws-session-token', legacy]]);
  });

  it('finds a token, its secret and its key ID passed positionally', () => {
    const session = fakeKeyId('session', 'ASIA');
    const java = `AWSCredentials creds = new BasicSessionCredentials("${session}", "${secret}", "${fakeLegacySessionToken('java', 'FQoGZXIvYXdzE')}");`;
    expect(ruleHits(java)).toEqual(['aws-access-key-id@1', 'aws-secret-access-key@1', 'aws-session-token@1']);
    const python = `boto3.Session(\n    "${session}",\n    "${secret}",\n    "${token}",\n)`;
    expect(ruleHits(python)).toEqual(['aws-access-key-id@2', 'aws-secret-access-key@3', 'aws-session-token@4']);
  });

  it.each([
    ['a documented example', 'sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN"'],
    ['a truncated one', 'AWS_SESSION_TOKEN="FQoGZXIvYXdzEJr...<remainder of security token>"'],
    ['a hand-made one', `token = "FwoGZXIvYXdzE${'abcDEF123/'.repeat(12)}"`],
    ['a base64 blob with no token shape', `blob = "${Buffer.from(`${'lorem ipsum dolor '.repeat(5)}${secret}`).toString('base64')}"`],
  ])('does not report %s', (_name, line) => {
    expect(detect(line).filter((f) => f.ruleId === 'aws-session-token')).toEqual([]);
  });
});

describe('account IDs in every configuration language', () => {
  it.each([
    ["PHP", "  'account_id' => '690218263670',"],
    ['Ruby', '  :account_id => "690218263670",'],
    ['Go', 'accountID := "690218263670"'],
    ['R', 'account_id <- "690218263670"'],
    ['XML', '<AccountId>690218263670</AccountId>'],
    ['JSON', '    "Account": "690218263670",'],
    ['HCL', '  allowed_account_ids = [ "690218263670" ]'],
    ['dotenv', 'AWS_ACCOUNT_ID=6902-1826-3670'],
  ])('finds one in %s', (_name, line) => {
    expect(ruleHits(line)).toEqual(['aws-account-id@1']);
  });

  it.each([
    ['an ARN (identifies a resource, not a credential)', 'Principal: {AWS: "arn:aws:iam::690218263670:role/deploy"}'],
    ['a documented example', "'account_id' => '123456789012',"],
    ['a number that is not an account', 'order_id => 690218263670'],
    ['a longer number', 'account_id: 6902182636701'],
    ['a comparison', 'if account_id >= 690218263670'],
  ])('does not report %s', (_name, line) => {
    expect(ruleHits(line)).toEqual([]);
  });
});

describe('more AWS credential kinds', () => {
  it('finds AppSync API keys, not placeholders', () => {
    const key = fakeAppSyncKey('graphql');
    expect(detect(`const client = new AWSAppSyncClient({ auth: { type: 'API_KEY', apiKey: '${key}' } });`).map((f) => [f.ruleId, f.secret])).toEqual([['aws-appsync-api-key', key]]);
    expect(ruleHits(`x-api-key: ${key}`)).toEqual(['aws-appsync-api-key@1']);
    for (const fake of ['da2-xxxxxxxxxxxxxxxxxxxxxxxxxx', 'da2-abcdefghijklmnopqrstuvwxyz', 'da2-fakeapikeyfakeapikeyfake', 'da2-1234567890', `${key}x`, `xda2-${key.slice(4)}`, key.toUpperCase()]) {
      expect(ruleHits(`apiKey: "${fake}"`)).toEqual([]);
    }
  });

  it('finds SES SMTP passwords by an SMTP keyword or the key ID that is their user name', () => {
    const password = fakeSmtpPassword('mail');
    expect(password).toMatch(/^B[A-P][A-Za-z0-9/+]{42}$/);
    expect(ruleHits(`SMTP_PASSWORD=${password}`)).toEqual(['aws-ses-smtp-password@1']);
    expect(ruleHits(`spring.mail.host=email-smtp.eu-west-1.amazonaws.com\nspring.mail.username=${id}\nspring.mail.password=${password}`)).toEqual([
      'aws-access-key-id@2',
      'aws-ses-smtp-password@3',
    ]);
  });

  it.each([
    ['a SHA-256 in base64', `SMTP_PASSWORD=${Buffer.alloc(32, 1).toString('base64')}`],
    ['a 44-character value of another shape', `SMTP_PASSWORD=${fakeSecret('x')}abcd`],
    ['a value with no SMTP keyword or key ID', `password=${fakeSmtpPassword('alone')}`],
    ['a hand-made one', `smtp_password=BAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH`],
  ])('does not report %s as an SMTP password', (_name, line) => {
    expect(ruleHits(line)).toEqual([]);
  });

  it('finds Amazon MWS auth tokens, not zero or example ones', () => {
    const mws = fakeMwsToken('seller');
    expect(detect(`MWS_AUTH_TOKEN=${mws}`).map((f) => [f.ruleId, f.secret])).toEqual([['amazon-mws-auth-token', mws]]);
    expect(ruleHits('MWS_AUTH_TOKEN=amzn.mws.00000000-0000-0000-0000-000000000000')).toEqual([]);
    expect(ruleHits('MWS_AUTH_TOKEN=amzn.mws.12345678-abcd-ef01-2345-6789abcdef01')).toEqual([]);
    expect(ruleHits(`seller id: ${mws.slice(9)}`)).toEqual([]);
  });
});

describe('hand-made values behind a real prefix', () => {
  it.each(['AKIATESTTESTTESTTEST', 'ASIAFAKEFAKEFAKEFAKE', 'AKIAKEYSKEYSKEYSKEYS', 'AROAROLEROLEROLEROLE', 'ABSKZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2VmYWtl'])(
    'does not report %s',
    (value) => {
      expect(ruleHits(`value: ${value}`)).toEqual([]);
    },
  );

  it('still reports generated values with the same prefixes', () => {
    expect(ruleHits(`value: ${fakeKeyId('prefix', 'ASIA')} ${fakeKeyId('prefix', 'AROA')}`)).toEqual(['aws-access-key-id@1', 'aws-iam-unique-id@1']);
  });
});

describe('through git', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());
  const coreSite = `<configuration>\n  <property>\n    <name>fs.s3a.secret.key</name>\n    <value>${secret}</value>\n  </property>\n</configuration>\n`;
  const appSync = fakeAppSyncKey('git');

  it('the pre-commit hook blocks a value named on the line above, and a new credential kind', () => {
    const repo = sandbox.repo('hook');
    expect(repo.keyguard(['install']).code).toBe(0);
    repo.write('conf/core-site.xml', coreSite).write('src/client.js', `export const apiKey = '${appSync}';\n`);
    repo.git('add', '-A');
    const blocked = repo.tryGit('commit', '-q', '-m', 'add config');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('conf/core-site.xml:4');
    expect(blocked.stderr).toContain('src/client.js:1');
  });

  it('a value filled in under a name that stays: the hook and the CI gate see the name, and report the value only', () => {
    const template = (value: string) => `env:\n  - name: AWS_ACCESS_KEY_ID\n    value: ${id}\n  - name: AWS_SECRET_ACCESS_KEY\n    value: ${value}\n  - name: REGION\n    value: eu-west-1\n`;
    const repo = sandbox.repo('filled-in');
    const base = repo.commit('deployment template', { 'deploy.yaml': template('CHANGEME') }); // --no-verify: the old key ID is not this test's
    expect(repo.keyguard(['install']).code).toBe(0);
    repo.write('deploy.yaml', template(secret)).git('add', '-A');
    // Only line 5 changed: its name (line 4) and the key ID (line 3) are unchanged lines around it.
    expect(repo.keyguardJson(['scan', '--staged']).findings.map((f) => `${f.line}:${f.ruleId}`)).toEqual(['5:aws-secret-access-key']);
    const blocked = repo.tryGit('commit', '-q', '-m', 'fill in the secret');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('deploy.yaml:5');
    repo.git('commit', '-q', '--no-verify', '-m', 'fill in the secret');
    for (const args of [['scan-range', `${base}..HEAD`], ['scan-range', `${base}..HEAD`, '--diff-only'], ['ci', '--base', base, '--head', 'HEAD']]) {
      expect(repo.keyguardJson(args).findings.map((f) => `${f.line}:${f.ruleId}`), args.join(' ')).toEqual(['5:aws-secret-access-key']);
    }
  });

  it('scan-history reports them at the commit that added them', () => {
    const repo = sandbox.repo('history');
    repo.commit('readme', { 'README.md': 'docs\n' });
    const added = repo.commit('add config', { 'conf/core-site.xml': coreSite, 'src/client.js': `export const apiKey = '${appSync}';\n` });
    repo.commit('remove config', { 'conf/core-site.xml': '<configuration/>\n', 'src/client.js': 'export const apiKey = process.env.API_KEY;\n' });
    const { code, findings } = repo.keyguardJson(['scan-history']);
    expect(code).toBe(1);
    expect(findings.map((f) => `${f.file}:${f.line}:${f.ruleId}@${f.commit}`).sort()).toEqual([
      `conf/core-site.xml:4:aws-secret-access-key@${added}`,
      `src/client.js:1:aws-appsync-api-key@${added}`,
    ]);
  });
});
