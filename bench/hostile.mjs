// npm run bench → keyguard scan on inputs built to make a scanner slow (bench/inputs/hostile.mjs): each should
// take about as long as ordinary text of its size. Before the detector was made linear, 100 KB of URL escapes
// took 27 s, base64 words on a `secret` line 7 s, spaces after `account:` 8.7 s.
//   node bench/hostile.mjs [--kb N] [--runs N]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, CACHE, best, fmt, measure, numberOption } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { credentialsDump, hostileInputs } from './inputs/hostile.mjs';

const kb = numberOption('--kb', 100);
const runs = numberOption('--runs', 3);
// Past this a run counts as a hang: a linear scan of these sizes takes well under a second.
const TIMEOUT_MS = 120_000;

const dir = join(CACHE, `hostile-${kb}kb`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const ordinary = 'const value = computeSomething(alpha, beta, "a string literal that is not a key");\n';
const inputs = [{ name: 'ordinary code (reference)', text: ordinary.repeat(Math.ceil((kb * 1024) / ordinary.length)) }, ...hostileInputs(kb)];

console.log(`### keyguard scan on hostile inputs (${new Date().toISOString().slice(0, 10)}, \`node bench/hostile.mjs --kb ${kb}\`)\n`);
console.log(`| input | size | time (best of ${runs}) | peak RSS | findings |`);
console.log('|---|---|---|---|---|');
let failed = false;
for (const [i, { name, text }] of inputs.entries()) {
  const file = join(dir, `${i}.txt`);
  writeFileSync(file, `${text}\n`);
  const r = best(runs, () => measure(process.execPath, [BIN, 'scan', '--no-git', '--format', 'json', file], { timeout: TIMEOUT_MS }));
  const hung = r.code !== 0 && r.code !== 1;
  if (hung) failed = true;
  const findings = hung ? '-' : JSON.parse(r.stdout).length;
  console.log(`| ${name} | ${fmt(text.length / 1024, 0)} KB | ${hung ? `did not finish (exit ${r.code ?? 'timeout'})` : `${fmt(r.seconds)} s`} | ${hung ? '-' : `${fmt(r.rssMb, 0)} MB`} | ${findings} |`);
}

// A history: a dump of key pairs committed, then emptied in the next commit (scan-history, all formats' core).
const dumpKeys = kb * 200;
const repo = join(dir, 'dump-history');
const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgSign=false', ...args], { cwd: repo, stdio: 'ignore' });
mkdirSync(repo);
git('init', '-q');
writeFileSync(join(repo, 'credentials.env'), `${credentialsDump(dumpKeys)}\n`);
git('add', '.');
git('commit', '-q', '--no-verify', '-m', 'dump');
writeFileSync(join(repo, 'credentials.env'), 'emptied\n');
git('commit', '-q', '--no-verify', '-am', 'empty it');
const history = best(runs, () => measure(process.execPath, [BIN, 'scan-history', '--format', 'json'], { cwd: repo, timeout: TIMEOUT_MS }));
const historyHung = history.code !== 0 && history.code !== 1;
if (historyHung) failed = true;
console.log(`| history: ${dumpKeys.toLocaleString('en-US')} key pairs in one file, then emptied | ${fmt(credentialsDump(dumpKeys).length / 1024, 0)} KB | ${historyHung ? `did not finish (exit ${history.code ?? 'timeout'})` : `${fmt(history.seconds)} s`} | ${historyHung ? '-' : `${fmt(history.rssMb, 0)} MB`} | ${historyHung ? '-' : JSON.parse(history.stdout).length} |`);
rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);

