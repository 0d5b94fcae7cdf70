// npm run bench → what keyguard's hooks add to a one-file commit, against `git commit --no-verify`, and
// against git-secrets' hooks (with its AWS patterns registered) when git-secrets is installed.
//   node bench/hooks.mjs [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, fmt, median, numberOption } from './lib.mjs';

const runs = numberOption('--runs', 25);

// Every repository here runs with its own HOME and git config: no template, hook or setting of the user's.
const scratch = mkdtempSync(join(tmpdir(), 'keyguard-bench-hooks-'));
const home = join(scratch, 'home');
mkdirSync(home);
writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n');
const env = {
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  // The user's, when set: Node 20 loads this file whole at each start (~60 ms on these machines).
  ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
};

/** A repository with a few hundred lines of code in a few files, set up by `setup` (which installs hooks). */
function repository(name, setup) {
  const dir = join(scratch, name);
  execFileSync('git', ['init', '-q', dir], { env });
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, `module${i}.js`), `export const value${i} = ${i};\n`.repeat(20));
  execFileSync('git', ['add', '-A'], { cwd: dir, env });
  execFileSync('git', ['commit', '-q', '--no-verify', '-m', 'initial'], { cwd: dir, env });
  setup(dir);
  return dir;
}

/** Seconds of one `git commit` of one changed file (the edit and `git add` are not timed). */
function commitSeconds(dir, round, args) {
  writeFileSync(join(dir, 'module0.js'), `export const value0 = '${round}';\n`);
  execFileSync('git', ['add', 'module0.js'], { cwd: dir, env });
  const started = process.hrtime.bigint();
  const result = spawnSync('git', ['commit', '-q', ...args], { cwd: dir, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`git commit ${args.join(' ')} failed in ${dir}: ${result.stdout}${result.stderr}`);
  return seconds;
}


const hasGitSecrets = spawnSync('git-secrets', ['--help'], { stdio: 'ignore' }).error === undefined;
const keyguardRepo = repository('keyguard', (dir) => execFileSync(process.execPath, [BIN, 'install'], { cwd: dir, env }));
const plainRepo = repository('plain', () => {});
const secretsRepo = hasGitSecrets
  ? repository('git-secrets', (dir) => {
      execFileSync('git', ['secrets', '--install'], { cwd: dir, env, stdio: 'ignore' });
      execFileSync('git', ['secrets', '--register-aws'], { cwd: dir, env, stdio: 'ignore' });
    })
  : null;

// Rounds interleave the cases, so a burst of load on the shared cores hits them all alike.
const cases = [
  { name: '`git commit --no-verify` (baseline)', dir: plainRepo, args: ['--no-verify', '-m', 'change value'] },
  { name: 'keyguard hooks, plain message (Node starts once)', dir: keyguardRepo, args: ['-m', 'change value'] },
  { name: 'keyguard hooks, message with a keyword ("token": Node twice)', dir: keyguardRepo, args: ['-m', 'change token value'] },
  ...(secretsRepo ? [{ name: 'git-secrets hooks (`--register-aws`)', dir: secretsRepo, args: ['-m', 'change value'] }] : []),
];
const times = cases.map(() => []);
const nodeStart = [];
for (let round = 1; round <= runs; round++) {
  cases.forEach((c, i) => times[i].push(commitSeconds(c.dir, `${round}.${i}`, c.args)));
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, ['-e', '0']);
  nodeStart.push(Number(process.hrtime.bigint() - started) / 1e9);
}
rmSync(scratch, { recursive: true, force: true });

const baseline = median(times[0]);
const ms = (seconds) => `${fmt(seconds * 1000, 0)} ms`;
console.log(`### Hook overhead per one-file commit (${new Date().toISOString().slice(0, 10)}, \`node bench/hooks.mjs --runs ${runs}\`, median of ${runs})\n`);
console.log('| commit | time | overhead vs `--no-verify` |');
console.log('|---|---|---|');
cases.forEach((c, i) => console.log(`| ${c.name} | ${ms(median(times[i]))} | ${i === 0 ? '–' : ms(median(times[i]) - baseline)} |`));
const extraCerts = env.NODE_EXTRA_CA_CERTS ? ' (with NODE_EXTRA_CA_CERTS set, as here: every commit above ran with it)' : '';
console.log(`\n\`node -e 0\` on this machine: ${ms(median(nodeStart))}${extraCerts}.${secretsRepo ? '' : ' git-secrets is not installed: `apt-get install git-secrets` adds it to the table.'}`);
