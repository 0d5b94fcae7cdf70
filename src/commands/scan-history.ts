import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { gitOutput } from '../git/repo.js';
import { historyFragments } from '../sources/history.js';
import { historyRefObjects, withRefObjects } from '../sources/ref-objects.js';
import type { Finding } from '../types.js';
import { type HistoryScan, runHistoryScan } from './history-scan.js';
import { type ReportArgs, withReportOptions } from './report-options.js';

interface ScanHistoryArgs extends ReportArgs {
  branch?: string;
  sinceCommit?: string;
  incremental: boolean;
  state?: string;
  _: Array<string | number>;
}

/** An incremental scan's findings, its tags' included (incremental/scan.ts). */
async function incrementalScan(cwd: string, revisions: string[], statePath: string | undefined, context: Parameters<NonNullable<HistoryScan['collect']>>[0]): Promise<Finding[]> {
  const { incrementalFindings } = await import('../incremental/scan.js');
  return incrementalFindings({ cwd, revisions, statePath, ...context, warn: (line) => process.stderr.write(`keyguard: ${line}\n`) });
}

/**
 * The history scan of `revisions`, read whole or (`incremental`) only where the last incremental run did not
 * read, its state in `statePath` (default: the git directory). Shared with `keyguard ci`'s scheduled runs.
 */
export function historyScan(cwd: string, revisions: string[], target: string, incremental: { statePath?: string } | null): HistoryScan {
  return {
    cwd,
    target,
    countArgs: revisions,
    fragments: ({ stats, contextLines, observer, detector, mergeProgress }) =>
      withRefObjects(historyFragments({ cwd, revisions, stats, contextLines, source: 'history', observer, detector, mergeProgress }), historyRefObjects(cwd, revisions, { detector, stats })),
    collect: incremental ? (context) => incrementalScan(cwd, revisions, incremental.statePath, context) : undefined,
  };
}

export const scanHistoryCommand: CommandModule<object, ScanHistoryArgs> = {
  command: 'scan-history',
  describe: 'Scan every commit of the repository history (all refs), messages and merge resolutions included',
  builder: (yargs) =>
    withReportOptions(yargs as Argv<object>)
      .option('branch', { type: 'string', describe: 'scan the commits of REF only, instead of all refs' })
      .option('since-commit', { type: 'string', describe: 'scan only the commits made after REV (not reachable from it)' })
      .option('incremental', { type: 'boolean', default: false, describe: 'read only the commits the last --incremental run did not, and report the whole history' })
      .option('state', { type: 'string', describe: 'with --incremental: keep its state in FILE (e.g. a CI cache), not in the git directory' })
      .example('$0 scan-history', 'all refs')
      .example('$0 scan-history --branch main --since-commit v1.0', 'main since v1.0')
      .example('$0 scan-history --incremental', 'all refs; later runs read only new commits')
      .example('$0 scan-history -- --author=alice', 'anything after -- goes to git log') as unknown as Argv<ScanHistoryArgs>,
  handler: async (args) => {
    const cwd = process.cwd();
    // Checked here so that a typo is named as the user wrote it, not as git's `bad revision '^nope'`.
    for (const [option, ref] of [['--branch', args.branch], ['--since-commit', args.sinceCommit]] as const) {
      if (ref !== undefined && gitOutput(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], cwd) === null) {
        throw new UsageError(`${option} ${ref}: not a commit in this repository (a typo? git branch -a lists the branches)`);
      }
    }
    const passThrough = args._.slice(1).map(String);
    const revisions = [args.branch ?? '--all', ...(args.sinceCommit ? [`^${args.sinceCommit}`] : []), ...passThrough];
    if (args.state !== undefined && !args.incremental) throw new UsageError('--state FILE goes with --incremental');
    if (args.incremental && passThrough.length) throw new UsageError(`--incremental takes no git log arguments (got ${passThrough.join(' ')})`);
    const target = args.branch ? `history of ${args.branch}` : 'history of all refs';
    const scan = historyScan(cwd, revisions, args.sinceCommit ? `${target} since ${args.sinceCommit}` : target, args.incremental ? { statePath: args.state } : null);
    process.exitCode = await runHistoryScan(scan, args);
  },
};
