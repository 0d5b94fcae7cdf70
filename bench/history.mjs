// npm run bench → keyguard scan-history on the history repository: time against `git log -p --all` on the
// same repository (the floor: git has to produce that stream), their ratio, and peak memory.
//   node bench/history.mjs [--commits N]
import { BIN, best, fmt, historyRepo, measure } from './lib.mjs';

const i = process.argv.indexOf('--commits');
const commits = i === -1 ? 5000 : Number(process.argv[i + 1]);
const repo = historyRepo(commits);

const gitLog = best(3, () => measure('sh', ['-c', 'git log -p --all > /dev/null'], { cwd: repo }));
const scan = best(3, () => measure(process.execPath, [BIN, 'scan-history', '--format', 'json', '--output', '/dev/null'], { cwd: repo }));
if (scan.code !== 0 && scan.code !== 1) throw new Error(`scan-history failed: ${scan.stderr}`);
const logMb = Number(measure('sh', ['-c', 'git log -p --all | wc -c'], { cwd: repo }).stdout.trim()) / 1024 / 1024;

console.log(`### keyguard scan-history (${new Date().toISOString().slice(0, 10)}, \`node bench/history.mjs --commits ${commits}\`)\n`);
console.log('| what | time | peak RSS |');
console.log('|---|---|---|');
console.log(`| \`git log -p --all > /dev/null\` (${fmt(logMb, 0)} MB) | ${fmt(gitLog.seconds)} s | ${fmt(gitLog.rssMb, 0)} MB |`);
console.log(`| \`keyguard scan-history\` | ${fmt(scan.seconds)} s | ${fmt(scan.rssMb, 0)} MB |`);
console.log(`\nscan-history / git log -p --all: ${fmt(scan.seconds / gitLog.seconds)}x (target ≤ 1.3); peak memory target ≤ 150 MB`);
