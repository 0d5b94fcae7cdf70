// npm run bench → keyguard scan-history against the git log it reads, on the synthetic history repository
// (against `git log -p --all`) and on real clones when given (against `git log -p -U0 --all`: keyguard asks
// git for -U0 too, and real histories are mostly context lines). Time ratio, keyguard's own peak memory
// (Node's, measured apart from git's) and the largest process's (git's own log).
//   node bench/history.mjs [--commits N] [--runs N] [--real-runs N] [--incremental-runs N] [--repos PATH:PATH…]
//   KEYGUARD_BENCH_REPOS=/work/clones/express:/work/clones/boto3 npm run bench
// --incremental-runs N: also N pairs, on each real clone, of a first `scan-history --incremental` (no state)
// and a second with nothing new, which must report the same findings.
// Real clones are never downloaded: without --repos or KEYGUARD_BENCH_REPOS they are skipped with a note.
// The commands run in turns, so all see the same state of a shared, noisy machine (single runs vary by ±0.2 s
// on these 2-core VMs); the ratio given is the median of the per-turn ratios. Each turn also times the floor
// with the allocator settings keyguard gives its own gits (src/git/spawn.ts): the ratio against that one is
// what keyguard adds to the git it reads.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BIN, fmt, historyRepo, measure, median, numberOption } from './lib.mjs';

const commits = numberOption('--commits', 5000);
const runs = numberOption('--runs', 7);
const realRuns = numberOption('--real-runs', 3);
const incrementalRuns = numberOption('--incremental-runs', 0);
const reposFlag = process.argv.indexOf('--repos');
const realRepos = (reposFlag === -1 ? process.env.KEYGUARD_BENCH_REPOS ?? '' : process.argv[reposFlag + 1]).split(':').filter(Boolean);
const PEAK = join(import.meta.dirname, 'own-peak.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'keyguard-bench-peak-'));

/** keyguard scan-history under /usr/bin/time, with Node's own peak RSS and CPU written by own-peak.cjs. */
function scanHistory(repo) {
  const peakFile = join(scratch, 'peak');
  const env = { ...process.env, KEYGUARD_BENCH_PEAK_FILE: peakFile };
  const scan = measure(process.execPath, ['--require', PEAK, BIN, 'scan-history', '--format', 'json', '--output', '/dev/null'], { cwd: repo, env });
  if (scan.code !== 0 && scan.code !== 1) throw new Error(`scan-history failed in ${repo}: ${scan.stderr}`);
  const [nodeKb, nodeCpu] = readFileSync(peakFile, 'utf8').split(' ').map(Number);
  return { ...scan, nodeMb: nodeKb / 1024, nodeCpu };
}

/** The allocator settings keyguard gives the gits it streams (src/git/spawn.ts), for the floor they make. */
const KEYGUARD_MALLOC = `MALLOC_TRIM_THRESHOLD_=${64 << 20} MALLOC_MMAP_THRESHOLD_=${32 << 20}`;

/**
 * Turns of `floor` (a shell command), the same floor with keyguard's allocator settings, and scan-history on
 * `repo`: the ratio is against the plain floor (what a user's git does), `ownRatio` against the tuned one
 * (what keyguard adds to its own git).
 */
function turns(repo, floor, count) {
  const done = [];
  for (let i = 0; i < count; i++) {
    const gitLog = measure('sh', ['-c', `${floor} > /dev/null`], { cwd: repo });
    const tunedLog = measure('sh', ['-c', `${KEYGUARD_MALLOC} ${floor} > /dev/null`], { cwd: repo });
    const scan = scanHistory(repo);
    done.push({ gitLog, tunedLog, scan, ratio: scan.seconds / gitLog.seconds, ownRatio: scan.seconds / tunedLog.seconds });
  }
  return done;
}

const seconds = (list, pick) => list.map((t) => pick(t).seconds);
const peak = (list, pick) => Math.max(...list.map(pick));
const ratioLine = (list) => {
  const ratios = list.map((t) => t.ratio);
  return `median ${fmt(median(ratios))}x over ${list.length} turns (range ${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}x; target ≤ 1.3)`;
};
const ownRatio = (list) => `${fmt(median(list.map((t) => t.ownRatio)))}x`;

// --runs 0: the real clones alone
if (runs > 0) {
  const synthetic = historyRepo(commits);
  const synth = turns(synthetic, 'git log -p --all', runs);
  const logMb = Number(measure('sh', ['-c', 'git log -p --all | wc -c'], { cwd: synthetic }).stdout.trim()) / 1024 / 1024;
  const row = (pick) => `${fmt(Math.min(...seconds(synth, pick)))} s | ${fmt(median(seconds(synth, pick)))} s | ${fmt(peak(synth, (t) => pick(t).rssMb), 0)} MB`;

  console.log(`### keyguard scan-history (${new Date().toISOString().slice(0, 10)}, \`node bench/history.mjs --commits ${commits} --runs ${runs}\`)\n`);
  console.log('| what | fastest | median | peak RSS (largest process) |');
  console.log('|---|---|---|---|');
  console.log(`| \`git log -p --all > /dev/null\` (${fmt(logMb, 0)} MB) | ${row((t) => t.gitLog)} |`);
  console.log(`| the same, with keyguard's allocator settings | ${row((t) => t.tunedLog)} |`);
  console.log(`| \`keyguard scan-history\` | ${row((t) => t.scan)} |`);
  console.log(`\nscan-history / git log -p --all: ${ratioLine(synth)}; against the tuned log ${ownRatio(synth)}; keyguard's own (Node) peak ${fmt(peak(synth, (t) => t.scan.nodeMb), 0)} MB (target ≤ 150 MB)`);
}

if (realRepos.length === 0) {
  console.log('\nReal histories skipped: give clones with --repos PATH:PATH or KEYGUARD_BENCH_REPOS (never downloaded here).');
} else {
  console.log(`\n### scan-history on real clones (\`node bench/history.mjs --real-runs ${realRuns} --repos …\`)\n`);
  console.log('| clone (commits / merges) | `git log -p -U0 --all` median | the same, keyguard\'s allocator settings | `keyguard scan-history` median | ratio (median of turns) | against the tuned log | Node peak | Node CPU | largest process |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const repo of realRepos) {
    if (!existsSync(repo)) {
      console.log(`| ${repo} | not found, skipped | | | | | | | |`);
      continue;
    }
    const count = (args) => measure('git', ['rev-list', '--count', '--all', ...args], { cwd: repo }).stdout.trim();
    const list = turns(repo, 'git log -p -U0 --all', realRuns);
    const ratios = list.map((t) => t.ratio);
    console.log(
      `| ${basename(repo)} (${count([])} / ${count(['--merges'])}) | ${fmt(median(seconds(list, (t) => t.gitLog)))} s | ${fmt(median(seconds(list, (t) => t.tunedLog)))} s | ${fmt(median(seconds(list, (t) => t.scan)))} s | ${fmt(median(ratios))}x (${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}, ${list.length} turns) | ${ownRatio(list)} | ${fmt(peak(list, (t) => t.scan.nodeMb), 0)} MB | ${fmt(median(list.map((t) => t.scan.nodeCpu)))} s | ${fmt(peak(list, (t) => t.scan.rssMb), 0)} MB |`,
    );
  }
}
/** Pairs of a first incremental scan of `repo` (no state) and one with nothing new: seconds of each. */
function incrementalPairs(repo, count) {
  const state = join(scratch, 'history-state.json');
  const run = () => measure(process.execPath, [BIN, 'scan-history', '--incremental', '--state', state, '--format', 'json'], { cwd: repo });
  const pairs = [];
  for (let i = 0; i < count; i++) {
    rmSync(state, { force: true });
    const first = run();
    const again = run();
    if (first.stdout !== again.stdout) throw new Error(`scan-history --incremental in ${repo}: the second run reported other findings`);
    pairs.push({ first: first.seconds, again: again.seconds, ratio: again.seconds / first.seconds });
  }
  return pairs;
}

if (incrementalRuns > 0 && realRepos.length > 0) {
  console.log(`\n### scan-history --incremental with nothing new, against its first run (\`--incremental-runs ${incrementalRuns}\`)\n`);
  console.log('A run with nothing new costs keyguard\'s start: the target (≤ 10%) is set on a history of boto3\'s size.\n');
  console.log('| clone | first run median | nothing new median | ratio (median of pairs) |');
  console.log('|---|---|---|---|');
  for (const repo of realRepos.filter((path) => existsSync(path))) {
    const pairs = incrementalPairs(repo, incrementalRuns);
    const ratios = pairs.map((p) => p.ratio * 100);
    console.log(`| ${basename(repo)} | ${fmt(median(pairs.map((p) => p.first)))} s | ${fmt(median(pairs.map((p) => p.again)), 3)} s | ${fmt(median(ratios), 1)}% (${fmt(Math.min(...ratios), 1)}–${fmt(Math.max(...ratios), 1)}%, ${pairs.length} pairs) |`);
  }
}
rmSync(scratch, { recursive: true, force: true });
