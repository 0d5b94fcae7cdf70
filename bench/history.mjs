// npm run bench → keyguard scan-history on the history repository: time against `git log -p --all` on the
// same repository (the floor: git has to produce that stream), their ratio, and peak memory.
//   node bench/history.mjs [--commits N] [--runs N]
// The two commands run in turns, so both see the same state of a shared, noisy machine (single runs vary by
// ±0.2 s on these 2-core VMs); the ratio given is the median of the per-turn ratios.
import { BIN, fmt, historyRepo, measure, median, numberOption } from './lib.mjs';

const commits = numberOption('--commits', 5000);
const runs = numberOption('--runs', 7);
const repo = historyRepo(commits);

const turns = [];
for (let i = 0; i < runs; i++) {
  const gitLog = measure('sh', ['-c', 'git log -p --all > /dev/null'], { cwd: repo });
  const scan = measure(process.execPath, [BIN, 'scan-history', '--format', 'json', '--output', '/dev/null'], { cwd: repo });
  if (scan.code !== 0 && scan.code !== 1) throw new Error(`scan-history failed: ${scan.stderr}`);
  turns.push({ gitLog, scan, ratio: scan.seconds / gitLog.seconds });
}
const logMb = Number(measure('sh', ['-c', 'git log -p --all | wc -c'], { cwd: repo }).stdout.trim()) / 1024 / 1024;
const row = (pick) => {
  const seconds = turns.map((t) => pick(t).seconds);
  return `${fmt(Math.min(...seconds))} s | ${fmt(median(seconds))} s | ${fmt(Math.max(...turns.map((t) => pick(t).rssMb)), 0)} MB`;
};
const ratios = turns.map((t) => t.ratio);

console.log(`### keyguard scan-history (${new Date().toISOString().slice(0, 10)}, \`node bench/history.mjs --commits ${commits} --runs ${runs}\`)\n`);
console.log('| what | fastest | median | peak RSS |');
console.log('|---|---|---|---|');
console.log(`| \`git log -p --all > /dev/null\` (${fmt(logMb, 0)} MB) | ${row((t) => t.gitLog)} |`);
console.log(`| \`keyguard scan-history\` | ${row((t) => t.scan)} |`);
console.log(
  `\nscan-history / git log -p --all: median ${fmt(median(ratios))}x over ${runs} turns (range ${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}x; target ≤ 1.3); peak memory target ≤ 150 MB`,
);
