import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyguard } from './helpers/cli.js';
import { workflowCommand } from '../src/report/github.js';
import { xmlEscape } from '../src/report/junit.js';
import { withCommas } from '../src/report/text.js';
import { reporters } from '../src/report/index.js';
import { emptyStats } from '../src/types.js';
import { detect } from './helpers/detect.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const id = fakeKeyId('formats');
const secret = fakeSecret('formats');
// A key and its secret on one line: each finding's line must mask the other's secret too.
const pairId = fakeKeyId('formats-pair');
const pairSecret = fakeSecret('formats-pair');
const FORMATS = ['text', 'json', 'sarif', 'junit', 'github'];

let sandbox: Sandbox;
let repo: Repo;
beforeAll(() => {
  sandbox = new Sandbox();
  repo = sandbox.repo();
  repo.commit('config', { 'app/prod.env': `AWS_ACCESS_KEY_ID=${id}\nAWS_SECRET_ACCESS_KEY=${secret}\n`, 'README.md': 'hello\n', 'app/keys.csv': `ci-user,${pairId},${pairSecret}\n` });
});
afterAll(() => sandbox.cleanup());

describe('every format', () => {
  it('is offered by --format', () => {
    // replacements lists secrets in clear by design (--no-mask only): test/respond.test.ts covers it.
    expect(Object.keys(reporters).sort()).toEqual([...FORMATS, 'replacements'].sort());
  });

  it.each(FORMATS)('%s masks both secrets by default and still names the place', (format) => {
    const { code, stdout } = repo.keyguard(['scan', '--format', format]);
    expect(code).toBe(1);
    expect(stdout).not.toContain(id);
    expect(stdout).not.toContain(secret);
    expect(stdout).not.toContain(pairId);
    expect(stdout).not.toContain(pairSecret);
    expect(stdout).toContain(`${id.slice(0, 4)}${'*'.repeat(12)}${id.slice(-4)}`);
    expect(stdout).toContain('prod.env');
  });

  it.each(FORMATS)('%s shows the secrets with --no-mask outside CI', (format) => {
    const { code, stdout } = repo.keyguard(['scan', '--format', format, '--no-mask']);
    expect(code).toBe(1);
    expect(stdout).toContain(secret);
  });

  it('writes --output FILE, prints nothing, and still exits 1', () => {
    const file = sandbox.path('report.sarif');
    const { code, stdout } = repo.keyguard(['scan', '--format', 'sarif', '--output', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8')).runs[0].results).toHaveLength(4);
  });

  it('exits 0 with a clean report, and 2 when --output cannot be written', () => {
    const clean = repo.keyguard(['scan', 'README.md', '--format', 'junit']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/tests="1" failures="0"/);
    const unwritable = repo.keyguard(['scan', '--output', sandbox.path('no', 'such', 'dir', 'r.json')]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/^keyguard: --output .*cannot write/);
  });

  it('refuses an --output it cannot write before it scans, so no scan is lost to a wrong path', () => {
    // An incremental scan writes its state as it ends, before the report: no state, no scan.
    const state = sandbox.path('refused-state.json');
    const missing = sandbox.path('no', 'such', 'dir');
    for (const [output, reason] of [[`${missing}/r.json`, `${missing} does not exist`], [sandbox.path(), 'is a folder']]) {
      const { code, stderr } = repo.keyguard(['scan-history', '--incremental', '--state', state, '--output', output]);
      expect(code).toBe(2);
      expect(stderr).toBe(`keyguard: --output ${output}: ${reason === 'is a folder' ? 'is a folder; name a file' : `cannot write: ${reason}`}\n`);
      expect(existsSync(state)).toBe(false);
    }
    const baseline = repo.keyguard(['baseline', 'create', `${missing}/baseline.json`, '--history']);
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toBe(`keyguard: ${missing}/baseline.json: cannot write: ${missing} does not exist\n`);
  });
});

describe('text from the repository in a text report', () => {
  it('cannot forge report lines, workflow commands or terminal moves: control characters are escaped', () => {
    const hostile = sandbox.repo('control-characters');
    const name = 'ok.txt\n::error file=x::spoofed\nkeyguard: no secrets found';
    hostile.write(name, `aws_access_key_id = ${id} \x1b[2K\x1b[1A\r\u202e\n`);
    hostile.git('add', '-A');
    hostile.git('-c', 'user.name=Eve\x1b[8m', 'commit', '-q', '--no-verify', '-m', 'x');
    for (const args of [['scan'], ['scan-history']]) {
      const { code, stdout } = hostile.keyguard(args);
      expect(code).toBe(1);
      expect(stdout).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u202e](?<!\n)/);
      expect(stdout.split('\n').filter((line) => /^(::|keyguard: no secrets)/.test(line))).toEqual([]);
      expect(stdout).toContain('ok.txt\\n::error file=x::spoofed\\nkeyguard: no secrets found:1:21');
      expect(stdout).toContain(' \\e[2K\\e[1A\\r\\u202e');
    }
  });
});

describe('the summary line', () => {
  it('groups thousands as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 12345, 999999, 1234567]) expect(withCommas(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('--no-mask under CI', () => {
  // The suite itself may run with CI set: each child gets exactly the environment its case names.
  const ci = (args: string[], value = 'true') => keyguard(args, { cwd: repo.dir, env: { ...sandbox.env, CI: value } });

  it('refuses without the confirmation flag, before scanning, and prints no secret', () => {
    const { code, stdout, stderr } = ci(['scan', '--no-mask', '--format', 'json']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('keyguard: --no-mask under CI would print live secrets into the build log: add --show-secrets-in-ci to confirm\n');
  });

  it('shows secrets with --show-secrets-in-ci, and masks as usual without --no-mask', () => {
    expect(ci(['scan', '--no-mask', '--show-secrets-in-ci']).stdout).toContain(secret);
    const masked = ci(['scan']);
    expect(masked.code).toBe(1);
    expect(masked.stdout).not.toContain(secret);
  });

  it('takes CI=false as not CI', () => {
    expect(ci(['scan', '--no-mask'], 'false').code).toBe(1);
  });

  it.each([
    ['GITHUB_ACTIONS', 'true'],
    ['GITLAB_CI', 'true'],
    ['BUILDKITE', 'true'],
    ['CIRCLECI', 'true'],
    ['JENKINS_URL', 'https://jenkins.example.com/'],
    ['TF_BUILD', 'True'],
  ])('refuses under %s=%s without CI set, unless confirmed', (name, value) => {
    const env = { ...sandbox.env, [name]: value };
    expect(keyguard(['scan', '--no-mask'], { cwd: repo.dir, env })).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/--show-secrets-in-ci/) });
    expect(keyguard(['scan', '--no-mask'], { cwd: repo.dir, env: { ...env, CI: 'false' } }).code).toBe(2);
    expect(keyguard(['scan', '--no-mask', '--show-secrets-in-ci'], { cwd: repo.dir, env }).stdout).toContain(secret);
  });
});

describe('github annotations', () => {
  it('escape the message and the properties as the workflow command rules say', () => {
    expect(workflowCommand('error', '50% done\r\nnext', { file: 'a,b:c.txt', line: 3, title: 'x: y' })).toBe('::error file=a%2Cb%3Ac.txt,line=3,title=x%3A y::50%25 done%0D%0Anext');
    expect(workflowCommand('notice', 'plain')).toBe('::notice::plain');
  });

  it('put file, line and columns on each finding, and notes as notices', () => {
    const findings = detect(`AWS_ACCESS_KEY_ID=${id}`, 'dir/a, b.env');
    const out = reporters.github(findings, { ...emptyStats(), notes: ['shallow clone'] }, { mask: true, target: '.', remediation: new Map() });
    expect(out.split('\n')[0]).toMatch(/^::error file=dir\/a%2C b\.env,line=1,endLine=1,col=19,endColumn=39,title=keyguard%3A AWS access key ID::AWS access key ID AKIA\*{12}/);
    expect(out).toContain('::notice::shallow clone\n');
  });
});

describe('JUnit XML', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(xmlEscape(`<a href="x">&'\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });

  it('has one failing test case per finding, with the masked line', () => {
    const findings = detect(`x = "<${id}>"`, 'a&b.py');
    const out = reporters.junit(findings, emptyStats(), { mask: true, target: 'repo', remediation: new Map([['aws-access-key-id', 'Deactivate it.']]) });
    expect(out).toMatch(/<testsuites name="keyguard" tests="1" failures="1"/);
    expect(out).toContain('file="a&amp;b.py"');
    expect(out).toContain(`  | x = &quot;&lt;${id.slice(0, 4)}************${id.slice(-4)}&gt;&quot;\nDeactivate it.</failure>`);
    expect(out).not.toContain(id);
  });
});
