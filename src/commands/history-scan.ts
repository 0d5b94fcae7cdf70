import type { Detector } from '../detect/engine.js';
import { loadFilters } from '../filters/index.js';
import { gitQueries } from '../git/queries.js';
import { isShallow, workTreeRoot } from '../git/repo.js';
import { collectFindings } from '../pipeline.js';
import type { DiffObserver } from '../sources/diff.js';
import { HistoryDedupe } from '../sources/history-dedupe.js';
import { emptyStats, type Finding, type Fragment, type ScanStats } from '../types.js';
import type { Filter } from '../filters/types.js';
import type { RuleSet } from '../types.js';
import { createDetector } from '../rules/detector.js';
import { withCommas } from '../report/text.js';
import { type ReportArgs, writeReport } from './report-options.js';

export interface HistoryScan {
  cwd: string;
  /** what the report says was scanned */
  target: string;
  /** git rev-list arguments naming the commits, for the progress total (null: no total) */
  countArgs: string[];
  fragments: (context: { stats: ScanStats; contextLines: number; observer: DiffObserver; detector: Detector }) => AsyncIterable<Fragment>;
  /** takes the place of `fragments` and HistoryDedupe: scan-history --incremental (incremental/scan.ts) */
  collect?: (context: { stats: ScanStats; detector: Detector; ruleSet: RuleSet; filters: Promise<readonly Filter[]> }) => Promise<Finding[]>;
}

const seconds = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

/** A progress line on stderr while the scan runs, only on a terminal (never in a CI log). Returns its stop. */
function showProgress(stats: ScanStats, total: number | null): () => void {
  if (!process.stderr.isTTY) return () => {};
  const started = Date.now();
  const timer = setInterval(() => {
    const done = stats.commits;
    const rate = done / ((Date.now() - started) / 1000);
    const eta = total && rate > 0 ? `, ETA ${seconds((total - done) / rate)}` : '';
    process.stderr.write(`\r\x1b[Kkeyguard: ${withCommas(done)}${total ? `/${withCommas(total)}` : ''} commits, ${Math.round(rate)}/s${eta}`);
  }, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}

/** Notes on what the repository holds: an empty one, a shallow clone that lacks older history. */
async function repositoryNotes(cwd: string, stats: ScanStats, shallow: boolean): Promise<void> {
  if (shallow) stats.notes.push('shallow clone: only the commits it holds were scanned (git fetch --unshallow fetches the rest)');
  if (stats.commits === 0 && !(await (await gitQueries(cwd)).raw(['for-each-ref', '--count=1'])).trim()) {
    stats.notes.push('empty repository: no commits to scan');
  }
}

async function commitCount(cwd: string, args: string[]): Promise<number | null> {
  try {
    return Number((await (await gitQueries(cwd)).raw(['rev-list', '--count', ...args])).trim());
  } catch {
    return null; // a log option rev-list does not take: progress without a total
  }
}

/**
 * Runs a history-shaped scan (scan-history, scan-range): findings deduplicated by HistoryDedupe, notes on
 * shallow and empty repositories, a progress line on a terminal. Returns the exit code.
 */
export async function runHistoryScan(scan: HistoryScan, args: ReportArgs): Promise<number> {
  const { cwd } = scan;
  const { detector, ruleSet, remediation } = createDetector();
  const stats = emptyStats();
  const dedupe = new HistoryDedupe();
  // The total is for the progress line only: off a terminal, the scan does not wait for a rev-list.
  const stop = showProgress(stats, process.stderr.isTTY ? await commitCount(cwd, scan.countArgs) : null);
  // git starts before anything else is awaited: it walks the history (~35 ms for 5,000 commits) before its
  // first byte, and the filters load meanwhile (and yargs, which runs once the command first waits).
  const filters = Promise.resolve().then(() => loadFilters({ cwd, root: workTreeRoot(cwd), baseline: args.baseline }));
  let findings;
  try {
    if (scan.collect) {
      findings = await scan.collect({ stats, detector, ruleSet, filters });
    } else {
      findings = await collectFindings(scan.fragments({ stats, contextLines: detector.contextLines, observer: dedupe, detector }), detector, filters.then((loaded) => [...loaded, dedupe]));
      dedupe.finish();
    }
  } finally {
    stop();
  }
  await repositoryNotes(cwd, stats, isShallow(cwd));
  return writeReport(findings, stats, args, scan.target, remediation);
}
