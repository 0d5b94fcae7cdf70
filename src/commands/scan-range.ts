import type { Argv, CommandModule } from 'yargs';
import { rangeFragments, resolveRange } from '../sources/range.js';
import { runHistoryScan } from './history-scan.js';
import { type ReportArgs, withReportOptions } from './report-options.js';

interface ScanRangeArgs extends ReportArgs {
  range?: string;
  base?: string;
  head?: string;
  diffOnly: boolean;
}

export const scanRangeCommand: CommandModule<object, ScanRangeArgs> = {
  command: 'scan-range [range]',
  describe: 'Scan the commits of a range (BASE..HEAD), messages included, as a pull-request gate',
  builder: (yargs) =>
    withReportOptions(yargs as Argv<object>)
      .positional('range', { type: 'string', describe: 'BASE..HEAD (HEAD defaults to HEAD), or BASE...HEAD from their merge base' })
      .option('base', { type: 'string', describe: 'scan what HEAD adds since its merge base with REF (e.g. origin/main)' })
      .option('head', { type: 'string', describe: 'with --base: the tip to scan (default HEAD)' })
      .option('diff-only', { type: 'boolean', default: false, describe: 'scan the net diff BASE..HEAD (and the messages), not each commit' })
      .example('$0 scan-range origin/main..HEAD', 'the commits HEAD has that origin/main lacks')
      .example('$0 scan-range --base origin/main', 'what a pull request into main adds') as unknown as Argv<ScanRangeArgs>,
  handler: async (args) => {
    const cwd = process.cwd();
    const { base, head } = await resolveRange(cwd, { range: args.range, base: args.base, head: args.head });
    process.exitCode = await runHistoryScan(
      {
        cwd,
        target: `${base.slice(0, 12)}..${head.slice(0, 12)}${args.diffOnly ? ' (net diff)' : ''}`,
        countArgs: [`${base}..${head}`],
        fragments: ({ stats, contextLines, observer, detector, mergeProgress }) =>
          rangeFragments({ cwd, base, head, diffOnly: args.diffOnly, stats, contextLines, observer, detector, mergeProgress }),
      },
      args,
    );
  },
};
