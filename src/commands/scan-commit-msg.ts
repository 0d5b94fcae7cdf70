import type { Argv, CommandModule } from 'yargs';
import { loadFilters } from '../filters/index.js';
import { workTreeRoot } from '../git/repo.js';
import { collectFindings } from '../pipeline.js';
import { commitMessageFragments } from '../sources/commit-msg.js';
import { emptyStats } from '../types.js';
import { createDetector } from '../rules/detector.js';
import { type ReportArgs, withReportOptions, writeReport } from './report-options.js';

interface ScanCommitMsgArgs extends ReportArgs {
  file: string;
}

export const scanCommitMsgCommand: CommandModule<object, ScanCommitMsgArgs> = {
  command: 'scan-commit-msg <file>',
  describe: 'Scan a commit message file (what the commit-msg hook runs); the diff below the scissors line of commit -v is ignored',
  builder: (yargs) =>
    withReportOptions(yargs as Argv<object>)
      .positional('file', { type: 'string', demandOption: true, describe: 'the message file git passes the hook (.git/COMMIT_EDITMSG)' })
      .example('$0 scan-commit-msg .git/COMMIT_EDITMSG', 'what a commit-msg hook runs') as unknown as Argv<ScanCommitMsgArgs>,
  handler: async (args) => {
    const cwd = process.cwd();
    const { detector, remediation } = createDetector();
    const stats = emptyStats();
    const filters = await loadFilters({ cwd, root: workTreeRoot(cwd), baseline: args.baseline });
    const findings = await collectFindings(commitMessageFragments(args.file, { cwd, contextLines: detector.contextLines }), detector, filters);
    process.exitCode = await writeReport(findings, stats, args, `commit message ${args.file}`, remediation);
  },
};
