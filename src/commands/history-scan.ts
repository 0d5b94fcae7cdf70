import type { Detector } from '../detect/engine.js';
import { prefetchSecretsConfig } from '../filters/git-config.js';
import { loadFilters } from '../filters/index.js';
import { gitQueries } from '../git/queries.js';
import { repositoryShape } from '../git/repo.js';
import { collectFindings } from '../pipeline.js';
import type { DiffObserver } from '../sources/diff-options.js';
import type { MergeProgress } from '../sources/merge-resolutions.js';
import { HistoryDedupe } from '../sources/history-dedupe.js';
import { emptyStats, type Filter, type Finding, type FragmentOrBatch, type RuleSet, type ScanStats } from '../types.js';
import { createDetector } from '../rules/detector.js';
import { showProgress } from './progress.js';
import { warnOfLostHooks } from './lost-hooks.js';
import { type ReportArgs, writeReport } from './report-options.js';

export interface HistoryScan {
  cwd: string;
  /** what the report says was scanned */
  target: string;
  /** git rev-list arguments naming the commits, for the progress total (null: no total) */
  countArgs: string[];
  fragments: (context: { stats: ScanStats; contextLines: number; observer: DiffObserver; detector: Detector; mergeProgress: MergeProgress }) => AsyncIterable<FragmentOrBatch>;
  /** takes the place of `fragments` and HistoryDedupe: scan-history --incremental (incremental/scan.ts) */
  collect?: (context: { stats: ScanStats; detector: Detector; ruleSet: RuleSet; filters: Promise<readonly Filter[]> }) => Promise<Finding[]>;
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
  // git starts before anything else is awaited or asked (createDetector asks git for secrets.* and waits): it
  // says where the work tree is and whether the clone is shallow, and the filters load once it has.
  const shape = repositoryShape(cwd);
  await prefetchSecretsConfig(cwd);
  const { detector, ruleSet, remediation } = createDetector();
  const stats = emptyStats();
  const dedupe = new HistoryDedupe();
  const progress = { stats, total: null as number | null, merges: { read: 0, total: null } };
  // The total is for the progress line only: counted on a terminal alone, while the scan runs (a rev-list
  // walks the whole history before it answers).
  if (process.stderr.isTTY) void commitCount(cwd, scan.countArgs).then((total) => (progress.total = total));
  const stop = showProgress(progress);
  // The history's git log started before keyguard loaded (bin/keyguard): it walks the history (~35 ms for 5,000
  // commits) before its first byte, and the filters load meanwhile (and yargs, which runs once the command
  // first waits).
  const filters = shape.then(({ root }) => loadFilters({ cwd, root, baseline: args.baseline }));
  let findings;
  try {
    if (scan.collect) {
      findings = await scan.collect({ stats, detector, ruleSet, filters });
    } else {
      const fragments = scan.fragments({ stats, contextLines: detector.contextLines, observer: dedupe, detector, mergeProgress: progress.merges });
      findings = await collectFindings(fragments, detector, filters.then((loaded) => [...loaded, dedupe]));
      dedupe.finish();
    }
  } finally {
    stop();
  }
  const { shallow, hooksPlace } = await shape;
  await repositoryNotes(cwd, stats, shallow);
  const code = await writeReport(findings, stats, args, scan.target, remediation);
  warnOfLostHooks(hooksPlace, cwd);
  return code;
}
