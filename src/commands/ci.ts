import type { Argv, CommandModule } from 'yargs';
import { changedPolicyFiles, type GateMessage, gateMessages, headFiltersOf } from '../ci/gate.js';
import { type CiHistory, type CiRange, ciRange } from '../ci/range.js';
import { atHeadLines } from '../ci/head-lines.js';
import { CommittedFiles } from '../ci/repo-files.js';
import { UsageError } from '../errors.js';
import { loadFilters } from '../filters/index.js';
import { gitOutput, repositoryShape } from '../git/repo.js';
import { collectFindings } from '../pipeline.js';
import { workflowCommand } from '../report/github.js';
import { redactSecrets } from '../report/redact.js';
import type { ChangeAllow } from '../report/types.js';
import { rangeFragments, resolveRange } from '../sources/range.js';
import { refFile, refObjectFragments } from '../sources/ref-objects.js';
import { emptyStats, type Finding, type FragmentOrBatch, type ScanStats } from '../types.js';
import { createDetector } from '../rules/detector.js';
import { warnOfLostHooks } from './lost-hooks.js';
import { type ReportArgs, withReportOptions, writeReport } from './report-options.js';

interface CiArgs extends ReportArgs {
  base?: string;
  head?: string;
  trustPrAllows: boolean;
  state?: string;
}

export const ciCommand: CommandModule<object, CiArgs> = {
  command: 'ci',
  describe: 'Scan the commits of the current pull request or push, picking the range from the CI environment',
  builder: (yargs) =>
    withReportOptions(yargs as Argv<object>)
      .option('base', { type: 'string', describe: 'compare with REF instead of the range the CI environment names' })
      .option('head', { type: 'string', describe: 'the last commit to scan (default: the CI environment\'s, else HEAD)' })
      .option('state', { type: 'string', describe: 'scheduled and manual runs: scan the history incrementally, keeping the state in FILE (a CI cache)' })
      .option('trust-pr-allows', {
        type: 'boolean',
        default: false,
        describe: 'honour the allows the change itself adds (allowlist entries, inline comments), listing each as a notice for reviewers',
      })
      .example('$0 ci --format sarif --output keyguard.sarif', 'GitHub Actions, for code scanning')
      .example('$0 ci --format junit --output keyguard.xml', 'GitLab CI, for the test report')
      .example('$0 ci --base origin/main', 'anywhere else') as unknown as Argv<CiArgs>,
  handler: async (args) => {
    process.exitCode = await runCi(args);
  },
};

/** Workflow commands under --format github, so they land on the run; one line on stderr otherwise. */
function say(message: GateMessage, args: CiArgs): void {
  // Masked like any error: a warning quotes the change's broken policy line, which may hold a key.
  const text = redactSecrets(message.text);
  if (args.format === 'github' && !args.output) process.stdout.write(`${workflowCommand(message.level, text)}\n`);
  else process.stderr.write(`keyguard: ${message.level}: ${text}\n`);
}

/** A scheduled or manual run: the whole history of its ref, with the ref's own policy (it is the base). */
async function scanRefHistory(cwd: string, wanted: CiHistory, args: CiArgs): Promise<number> {
  const [{ runHistoryScan }, { historyScan }] = await Promise.all([import('./history-scan.js'), import('./scan-history.js')]);
  const target = `${wanted.origin}: history of ${wanted.head.slice(0, 12)}`;
  return runHistoryScan(historyScan(cwd, [wanted.head], target, args.state === undefined ? null : { statePath: args.state }), args);
}

/**
 * What a push brings: the range's commits, and what the pushed ref's own object holds when it is no commit,
 * read by its type (an annotated tag's message, and what it tags when that is no commit either).
 */
async function* pushFragments(range: AsyncIterable<FragmentOrBatch>, wanted: CiRange, options: { cwd: string; contextLines: number; stats: ScanStats }): AsyncGenerator<FragmentOrBatch> {
  yield* range;
  if (wanted.pushed) yield* refObjectFragments([{ file: refFile(wanted.pushed.ref), blob: wanted.pushed.object }], { ...options, source: 'range' });
}

async function runCi(args: CiArgs): Promise<number> {
  const cwd = process.cwd();
  const { root, hooksPlace } = await repositoryShape(cwd);
  if (!root) throw new UsageError('keyguard ci gates the commits of a git repository: run it inside one');
  const wanted = ciRange(process.env, args);
  if ('history' in wanted) return scanRefHistory(cwd, wanted, args);
  // A pushed ref that peels to no commit (a tag of a blob) brings no commits: only its own object is scanned.
  const headRef = wanted.pushed && gitOutput(['cat-file', '-e', `${wanted.pushed.object}^{commit}`], cwd) === null ? (wanted.tip ?? wanted.base) : wanted.head;
  const { base, head, tip } = await resolveRange(cwd, { base: wanted.base, head: headRef, tip: wanted.tip });
  // The policy comes from the tip of the base branch, where the change will land: not from the change (it
  // cannot approve its own secret), nor from where it branched off (the branch may have dropped an entry since).
  const tipFiles = new CommittedFiles(cwd, tip);
  const forkFiles = new CommittedFiles(cwd, base);
  const headFiles = new CommittedFiles(cwd, head);
  const filters = await loadFilters({ cwd, root, baseline: args.baseline, readRepoFile: tipFiles.read, inlineAllows: false });
  const headPolicy = await headFiltersOf(() => loadFilters({ cwd, root, baseline: args.baseline, readRepoFile: headFiles.read }));
  const headFilters = headPolicy.filters;
  const forkFilters = await loadFilters({ cwd, root, baseline: args.baseline, readRepoFile: forkFiles.read, inlineAllows: false });
  const { detector, remediation } = createDetector();
  const stats = emptyStats();
  const range = rangeFragments({ cwd, base, head, diffOnly: false, stats, contextLines: detector.contextLines, detector });
  const fragments = pushFragments(range, wanted, { cwd, contextLines: detector.contextLines, stats });
  const found = await collectFindings(fragments, detector, filters);
  // --trust-pr-allows: what the change's own allows accept passes, in the report for the reviewers to see. Not an
  // entry it only inherited from where it branched off, which the base branch has dropped since.
  const changeAllows: ChangeAllow[] = [];
  const inherited = (finding: Finding) => forkFilters.some((filter) => !filter.keep(finding));
  const findings = found.filter((finding) => {
    const acceptedBy = args.trustPrAllows && !inherited(finding) && headFilters.find((filter) => !filter.keep(finding));
    if (acceptedBy) changeAllows.push({ finding, allow: acceptedBy.name });
    return !acceptedBy;
  });
  const changed = changedPolicyFiles(forkFiles, headFiles);
  // Under --trust-pr-allows the findings left that the head's allows accept are the inherited ones: their errors say so.
  const messages = args.trustPrAllows
    ? [
        ...changed.map((path): GateMessage => ({ level: 'notice', text: `this change edits ${path}; --trust-pr-allows honours the allows it adds, each listed in the report` })),
        ...gateMessages(findings, { tip, fork: base, headFilters, forkFilters, changed: [] }),
      ]
    : gateMessages(findings, { tip, fork: base, headFilters, forkFilters, changed });
  for (const message of headPolicy.warning ? [headPolicy.warning, ...messages] : messages) say(message, args);
  const readAtHead = new CommittedFiles(cwd, head).read;
  const placed = atHeadLines(findings, readAtHead);
  const allowedAt = atHeadLines(changeAllows.map((allowed) => allowed.finding), readAtHead).map((finding, i) => ({ finding, allow: changeAllows[i].allow }));
  const code = await writeReport(placed, stats, args, `${wanted.origin} (${base.slice(0, 12)}..${head.slice(0, 12)})`, remediation, allowedAt);
  warnOfLostHooks(hooksPlace, cwd);
  return code;
}
