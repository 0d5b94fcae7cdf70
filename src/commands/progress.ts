import { withCommas } from '../report/text.js';
import type { MergeProgress } from '../sources/merge-resolutions.js';
import type { ScanStats } from '../types.js';

/** What a history scan's progress line reads: commits done (stats), their total once counted, the merge pass. */
export interface ScanProgress {
  stats: ScanStats;
  /** commits to scan, once `rev-list --count` answered (null before, or when it cannot tell) */
  total: number | null;
  merges: MergeProgress;
}

/** Rates are measured over the last few seconds: a scan slows and speeds up with the history's shape. */
const WINDOW_MS = 5000;
const TICK_MS = 250;

const seconds = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

export interface Sample {
  at: number;
  commits: number;
  merges: number;
}

/** Seconds left for `left` units at the rate between two samples; null when nothing moved. */
function timeLeft(left: number, done: number, before: number, elapsed: number): number | null {
  if (left <= 0) return 0;
  return done > before ? (left * elapsed) / (done - before) : null;
}

/** The line for the latest sample, given the oldest one in the window. */
export function progressLine(progress: ScanProgress, oldest: Sample, now: Sample): string {
  const { total, merges } = progress;
  const elapsed = (now.at - oldest.at) / 1000;
  const rate = elapsed > 0 ? (now.commits - oldest.commits) / elapsed : 0;
  let line = `keyguard: ${withCommas(now.commits)}${total ? `/${withCommas(total)}` : ''} commits`;
  if (merges.read > 0 || merges.total) line += `, ${withCommas(merges.read)}${merges.total === null ? '' : `/${withCommas(merges.total)}`} merges diffed`;
  line += `, ${withCommas(Math.round(rate))}/s`;
  // Both passes run at once and the scan ends with the slower: the ETA is the later of the two, each at its
  // own recent rate (a merge pass without its total yet cannot tell, nor can a pass that has not moved).
  if (!total || elapsed <= 0) return line;
  const commitsLeft = timeLeft(total - now.commits, now.commits, oldest.commits, elapsed);
  const mergesLeft = merges.total === null ? null : timeLeft(merges.total - now.merges, now.merges, oldest.merges, elapsed);
  if (commitsLeft === null || (merges.total !== null && mergesLeft === null)) return line;
  return `${line}, ETA ${seconds(Math.max(commitsLeft, mergesLeft ?? 0))}`;
}

/**
 * A progress line on stderr while a history scan runs, only on a terminal (never in a CI log): commits and
 * merges done, the rate and an ETA over the last WINDOW_MS (a rate averaged from the start lags behind a
 * history whose commits grow or shrink). Returns its stop.
 */
export function showProgress(progress: ScanProgress): () => void {
  if (!process.stderr.isTTY) return () => {};
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const now = { at: Date.now(), commits: progress.stats.commits, merges: progress.merges.read };
    samples.push(now);
    while (samples.length > 1 && now.at - samples[0].at > WINDOW_MS) samples.shift();
    process.stderr.write(`\r\x1b[K${progressLine(progress, samples[0], now)}`);
  }, TICK_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}
