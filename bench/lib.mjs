// Shared by the benchmarks: the history repository they measure, built once and cached, and timing helpers.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'keyguard');
export const CACHE = process.env.KEYGUARD_BENCH_DIR || join(tmpdir(), 'keyguard-bench');
const MAKE_REPO = join(ROOT, '..', 'shared', 'bench', 'make-history-repo.sh');

/** A repository from ../shared/bench/make-history-repo.sh with COMMITS commits, built on first use. */
export function historyRepo(commits = 5000, seed = '1') {
  const dir = join(CACHE, `history-${commits}-${seed}`);
  if (!existsSync(join(dir, '.git')) && !existsSync(join(dir, 'HEAD'))) {
    if (!existsSync(MAKE_REPO)) throw new Error(`${MAKE_REPO} not found: the benchmarks need ../shared beside the project`);
    mkdirSync(CACHE, { recursive: true });
    process.stderr.write(`building ${dir} (${commits} commits)…\n`);
    execFileSync('bash', [MAKE_REPO, dir, String(commits), seed], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return dir;
}

/** Runs a command under /usr/bin/time: wall seconds, peak RSS in MB, exit code. */
export function measure(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, rssMb: rssKb / 1024, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The best of N runs (least disturbed by the other core's work). */
export function best(n, run) {
  let result;
  for (let i = 0; i < n; i++) {
    const r = run();
    if (!result || r.seconds < result.seconds) result = r;
  }
  return result;
}

export const fmt = (n, digits = 2) => n.toFixed(digits);

/** A numeric command-line option (`--runs 7`), or `fallback` when it is not given. */
export function numberOption(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
