import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { stagedFiles } from '../ci/repo-files.js';
import { loadFilters } from '../filters/index.js';
import { repositoryShape } from '../git/repo.js';
import { collectFindings } from '../pipeline.js';
import { fileFragments, fragmentsOf, listTargets } from '../sources/files.js';
import { emptyStats, type FragmentOrBatch } from '../types.js';
import { STDIN_ARGUMENT } from './stdin.js';
import { createDetector } from '../rules/detector.js';
import { warnOfLostHooks } from './lost-hooks.js';
import { type ReportArgs, withReportOptions, writeReport } from './report-options.js';

interface ScanArgs extends ReportArgs {
  paths: string[];
  git: boolean;
  staged: boolean;
  /** undefined unless given: `--no-index` is git-secrets' name for --no-git */
  index?: boolean;
}

export const scanCommand: CommandModule<object, ScanArgs> = {
  command: 'scan [paths..]',
  describe: 'Scan files and directories (default: the repository\'s files), stdin (-), or staged changes (--staged)',
  builder: (yargs) =>
    withReportOptions(yargs as Argv<object>)
      .positional('paths', { type: 'string', array: true, default: [], describe: 'files or directories; - reads stdin' })
      .option('git', { type: 'boolean', default: true, describe: 'use git to list files (honours .gitignore); --no-git walks directories as they are' })
      .option('staged', { alias: 'cached', type: 'boolean', default: false, describe: 'scan the lines the next commit adds (what the pre-commit hook runs)' })
      .option('index', { type: 'boolean', describe: 'scan whole staged files, not just the added lines (--no-index: as --no-git)' })
      // git-secrets' `--scan -r` and `--untracked`: directories are always walked, and untracked files that
      // git does not ignore are always scanned, so both are accepted and change nothing.
      .option('recursive', { alias: 'r', type: 'boolean', hidden: true })
      .option('untracked', { type: 'boolean', hidden: true })
      .example('$0 scan', 'the repository\'s tracked and untracked files')
      .example('$0 scan --no-git dir/', 'a plain directory')
      .example('cat file | $0 scan -', 'stdin') as unknown as Argv<ScanArgs>,
  handler: async (args) => {
    process.exitCode = await runScan(args);
  },
};

async function runScan(args: ScanArgs): Promise<number> {
  const cwd = process.cwd();
  if (args.index === false) args.git = false; // git-secrets' --no-index
  const staged = args.staged || args.index === true;
  const stagedFlag = args.index ? '--index' : '--staged';
  if (staged && args.paths.includes(STDIN_ARGUMENT)) throw new UsageError(`${stagedFlag} scans the index, - scans stdin: choose one`);
  if (staged && args.paths.length) throw new UsageError(`${stagedFlag} scans the index: it takes no paths`);
  if (staged && !args.git) throw new UsageError(`${stagedFlag} reads the index from git: it cannot go with --no-git`);
  if (args.paths.length > 1 && args.paths.includes(STDIN_ARGUMENT)) throw new UsageError('- (stdin) must be the only path');
  const { detector, remediation } = createDetector();
  const stats = emptyStats();
  const fromStdin = args.paths.length === 1 && args.paths[0] === STDIN_ARGUMENT;
  const { root, hooksPlace } = args.git ? await repositoryShape(cwd) : { root: null, hooksPlace: null };
  let fragments: AsyncIterable<FragmentOrBatch>;
  let target: string;
  if (staged) {
    if (!root) throw new UsageError(`${stagedFlag} scans what git will commit: run it inside a git repository`);
    const { stagedFragments } = await import('../sources/staged.js');
    fragments = stagedFragments({ cwd, wholeFiles: args.index === true, contextLines: detector.contextLines, stats });
    target = 'staged changes';
  } else if (fromStdin) {
    fragments = fragmentsOf(process.stdin, { file: '(stdin)', source: 'stdin', commit: null }, detector.contextLines, stats);
    target = 'stdin';
  } else {
    fragments = fileFragments(listTargets(args.paths, { cwd, git: args.git, root }), detector.contextLines, stats);
    // lint-staged passes every staged file: a summary naming 61 of them would be one unreadable line.
    target = args.paths.length > 3 ? `${args.paths.length} paths` : args.paths.length ? args.paths.join(', ') : (root ?? cwd);
  }
  // --staged judges what the commit will hold, as the pre-commit hook does: the allowlists in the index.
  const filters = await loadFilters({ cwd, root, baseline: args.baseline, ...(staged && root ? { readRepoFile: stagedFiles(cwd).read } : {}) });
  const findings = await collectFindings(fragments, detector, filters);
  const code = await writeReport(findings, stats, args, target, remediation);
  // Not under --staged (what pre-commit hooks run: then they do run), nor for stdin.
  if (!staged && !fromStdin) warnOfLostHooks(hooksPlace, cwd);
  return code;
}
