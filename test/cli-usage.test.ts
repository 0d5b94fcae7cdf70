import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { keyguard } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

// What a user with git-secrets or gitleaks habits types, and what keyguard answers.
const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());
const outside = sandbox.path('home'); // no repository here: the sandbox's HOME
const run = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = outside) => keyguard(args, { cwd, env: { ...sandbox.env, ...env } });

describe('help and version', () => {
  it('prints the usage with the commands for `keyguard` alone and `keyguard help`', () => {
    for (const args of [[], ['help']]) {
      const result = run(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/keyguard scan-history +Scan every commit/);
    }
    expect(run(['help', 'scan']).stdout).toMatch(/--staged/);
  });

  it('prints the version for -v', () => {
    expect(run(['-v']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('writes every help text in printable ASCII', () => {
    // yargs lays out the running command's help on every run: one other character loads string-width, with its
    // emoji regex and segmenter (~40 ms of every start, a twentieth of a history scan of express).
    const commands = [...run(['--help']).stdout.matchAll(/^ {2}keyguard ([a-z-]+)/gm)].map((match) => match[1]);
    expect(commands.length).toBeGreaterThan(8);
    for (const command of ['', ...commands]) {
      for (const line of run([command, '--help'].filter(Boolean)).stdout.split('\n')) expect(line, `${command} --help`).toMatch(/^[\x20-\x7e]*$/);
    }
  });

  it('wraps no example in the middle of a flag', () => {
    for (const command of ['scan', 'scan-history', 'scan-range', 'ci', 'allow', 'baseline']) {
      const examples = run([command, '--help']).stdout.split('Examples:')[1] ?? '';
      for (const line of examples.split('\n').filter(Boolean)) expect(line, `${command}: ${line}`).toMatch(/^ {2}(keyguard|cat) /);
    }
  });
});

describe('mistakes', () => {
  it('suggests the closest command or option for a typo', () => {
    expect(run(['scna']).stderr).toBe('keyguard: unknown command "scna": did you mean "keyguard scan"?\n');
    expect(run(['scan', '--stagd']).stderr).toBe('keyguard: unknown option --stagd: did you mean --staged?\n');
    expect(run(['scan-history', '--brnch', 'x']).stderr).toMatch(/did you mean --branch\?/);
    const far = run(['scan', '--zzzzqq']);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('keyguard: unknown option --zzzzqq (keyguard scan --help lists the options)\n');
  });

  it('names an unknown dashed option once, not with its camelCase twin', () => {
    expect(run(['install', '--hooks-path', 'x']).stderr).toBe('keyguard: unknown option --hooks-path (keyguard install --help lists the options)\n');
  });

  it('shows the usage of a command that lacks its argument', () => {
    const result = run(['allow']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('keyguard: allow needs an argument: keyguard allow <target> (keyguard allow --help)\n');
  });

  it('refuses contradictory scan options with exit 2', () => {
    const repo = sandbox.repo('contradictions');
    const cases: Array<[string[], RegExp]> = [
      [['scan', '--staged', '--no-git'], /--staged reads the index from git: it cannot go with --no-git/],
      [['scan', '--staged', 'file.txt'], /--staged scans the index: it takes no paths/],
      [['scan', '--staged', '-'], /--staged scans the index, - scans stdin: choose one/],
      [['scan', '--index', 'file.txt'], /--index scans the index: it takes no paths/],
      [['scan', '--output'], /--output needs a file name/],
      [['scan', '--redact', '--no-mask'], /contradict/],
      [['scan', '--exit-code', '300'], /--exit-code takes a whole number/],
    ];
    for (const [args, message] of cases) {
      const result = repo.keyguard(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });

  it('points the right way outside a repository and at a mistyped ref', () => {
    expect(run(['scan', '--staged']).stderr).toBe('keyguard: --staged scans what git will commit: run it inside a git repository\n');
    expect(run(['uninstall']).stderr).toMatch(/^keyguard: not in a git repository: cd into one first/);
    expect(run(['baseline', 'create']).stderr).toMatch(/is not in a git repository: a baseline records a repository's findings/);
    const repo = sandbox.repo('refs');
    repo.commit('one', { 'a.txt': 'a\n' });
    const range = repo.keyguard(['scan-range', 'nope..HEAD']);
    expect(range.code).toBe(2);
    expect(range.stderr).toBe('keyguard: BASE nope is not a commit in this repository (a typo? git branch -a lists the branches)\n');
    const since = repo.keyguard(['scan-history', '--since-commit', 'nope']);
    expect(since.stderr).toBe('keyguard: --since-commit nope: not a commit in this repository (a typo? git branch -a lists the branches)\n');
  });
});

describe('habits from other scanners', () => {
  it('takes --index alone as whole staged files, --cached as --staged', () => {
    const repo = sandbox.repo('staged-aliases');
    repo.commit('start', { 'a.env': `ID=${fakeKeyId('old')}\n` });
    repo.write('a.env', `ID=${fakeKeyId('old')}\nOTHER=1\n`).git('add', 'a.env');
    expect(repo.keyguardJson(['scan', '--index']).findings).toHaveLength(1); // the whole file
    expect(repo.keyguardJson(['scan', '--staged']).findings).toHaveLength(0); // only the added line
    expect(repo.keyguardJson(['scan', '--cached']).findings).toHaveLength(0);
  });

  it('accepts git-secrets scan flags and register-aws', () => {
    const dir = sandbox.path('plain');
    const repo = sandbox.repo('plain');
    repo.write('k.txt', `${fakeKeyId('plain')}\n`);
    expect(keyguard(['scan', '--no-index', '-r', '--untracked', 'k.txt'], { cwd: dir, env: sandbox.env }).code).toBe(1);
    const register = run(['register-aws']);
    expect(register.code).toBe(0);
    expect(register.stdout).toMatch(/built in/);
  });

  it('takes gitleaks report options: --report-format, --report-path, --redact, --exit-code', () => {
    const repo = sandbox.repo('gitleaks-habits');
    repo.write('k.txt', `${fakeKeyId('gl')}\n`);
    const report = sandbox.path('report.json');
    const result = repo.keyguard(['scan', 'k.txt', '--report-format', 'json', '--report-path', report, '--redact', '--exit-code', '7']);
    expect(result.code).toBe(7);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toHaveLength(1);
    // The report went to a file: the log still says what was found, and where the report is.
    expect(result.stderr).toBe(`keyguard: 1 secret found in k.txt (1 file scanned); report written to ${report}\n`);
    expect(result.stdout).toBe('');
  });

  it('counts the paths of a lint-staged call in the summary instead of naming each', () => {
    const repo = sandbox.repo('many-paths');
    const names = ['a', 'b', 'c', 'd', 'e'].map((name) => `${name}.txt`);
    for (const name of names) repo.write(name, 'nothing\n');
    expect(repo.keyguard(['scan', ...names]).stdout).toBe('keyguard: no secrets found in 5 paths (5 files scanned)\n');
    expect(repo.keyguard(['scan', 'a.txt', 'b.txt']).stdout).toBe('keyguard: no secrets found in a.txt, b.txt (2 files scanned)\n');
  });

  it('colours the text report on request: --color, FORCE_COLOR; --no-color wins', () => {
    const repo = sandbox.repo('colour');
    repo.write('k.txt', `${fakeKeyId('colour')}\n`);
    expect(repo.keyguard(['scan', 'k.txt', '--color']).stdout).toMatch(/\x1b\[31mCRITICAL/);
    const forced = keyguard(['scan', 'k.txt'], { cwd: repo.dir, env: { ...sandbox.env, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\x1b\[31mCRITICAL/);
    const refused = keyguard(['scan', 'k.txt', '--no-color'], { cwd: repo.dir, env: { ...sandbox.env, FORCE_COLOR: '1' } });
    expect(refused.stdout).not.toMatch(/\x1b\[/);
    expect(repo.keyguard(['scan', 'k.txt']).stdout).not.toMatch(/\x1b\[/); // not a terminal
  });
});
