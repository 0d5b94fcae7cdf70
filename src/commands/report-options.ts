import { chmodSync, writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { runningInCi } from '../ci/env.js';
import { UsageError, messageOf } from '../errors.js';
import { reporters } from '../report/index.js';
import type { ChangeAllow } from '../report/types.js';
import { summaryLine } from '../report/text.js';
import { wantsColor } from '../report/color.js';
import { workTreeRoot } from '../git/repo.js';
import { checkWritable } from './writable.js';
import type { Finding, ScanStats } from '../types.js';

/** The options every scanning command shares: how to report, and what to accept. */
export interface ReportArgs {
  format: string;
  output?: string;
  mask: boolean;
  baseline?: string;
  /** --color / --no-color; undefined: FORCE_COLOR, NO_COLOR, then whether stdout is a terminal decide */
  color?: boolean;
  /** the exit code when secrets are found (gitleaks' --exit-code) */
  exitCode: number;
  /** ask STS whether each key pair found is live (opt-in: nothing leaves the machine otherwise) */
  verify?: boolean;
}


export function withReportOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('format', { alias: ['f', 'report-format'], type: 'string', choices: Object.keys(reporters), default: 'text', describe: 'report format; replacements: the list for git filter-repo --replace-text (with --no-mask --output FILE; then git filter-repo --replace-text FILE, force-push, ask collaborators to re-clone: rotate the keys first, purging does not replace it)' })
    .option('output', { alias: ['o', 'report-path'], type: 'string', describe: 'write the report to FILE (the exit code still says whether secrets were found)' })
    .option('mask', { type: 'boolean', default: true, describe: 'mask secrets in reports; --no-mask shows them in full' })
    .option('redact', { type: 'boolean', describe: 'mask secrets (the default; gitleaks\' name for it)' })
    .option('exit-code', { type: 'number', default: 1, describe: 'exit code when secrets are found' })
    .option('color', { type: 'boolean', describe: 'colour the text report (default: on a terminal, or when FORCE_COLOR is set)' })
    .option('verify', { type: 'boolean', default: false, describe: 'ask AWS STS (GetCallerIdentity) whether each key pair found is live, and whose it is; nothing is sent without it' })
    .option('baseline', { type: 'string', describe: 'report only findings not recorded in this baseline file' })
    .option('show-secrets-in-ci', { type: 'boolean', default: false, describe: 'confirm --no-mask in CI (CI, GITHUB_ACTIONS, GITLAB_CI, JENKINS_URL, ... set): a CI log is read by many and kept for months' })
    .check((args) => {
      if (args.output === '') throw new UsageError('--output needs a file name');
      if (args.redact && !args.mask) throw new UsageError('--redact and --no-mask contradict each other: choose one');
      const exitCode = args.exitCode as number;
      if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) throw new UsageError('--exit-code takes a whole number from 0 to 255');
      if (!args.mask && !args.showSecretsInCi && runningInCi()) {
        throw new UsageError('--no-mask under CI would print live secrets into the build log: add --show-secrets-in-ci to confirm');
      }
      if (args.format === 'replacements' && (args.mask || !args.output)) {
        throw new UsageError('--format replacements lists secrets in clear for git filter-repo: it needs --no-mask and --output FILE');
      }
      if (args.output) checkWritable(args.output, `--output ${args.output}`);
      return true;
    });
}

/**
 * After a leak: whose each credential is, whether it is live (--verify), and what to run. Loaded only when
 * there are findings, and STS's client only under --verify.
 */
async function withResponse(findings: Finding[], args: ReportArgs): Promise<Finding[]> {
  if (!findings.length) return findings;
  const [{ respond }, { declaredAccounts }, { loadRuleSet }] = await Promise.all([import('../respond/index.js'), import('../respond/accounts.js'), import('../rules/load.js')]);
  const verify = args.verify ? (await import('../respond/verify.js')).verifyPairs : undefined;
  const rules = new Map(loadRuleSet().rules.map((rule) => [rule.id, rule]));
  return respond(findings, { rules, accounts: declaredAccounts(workTreeRoot(process.cwd())), verify });
}

/** Renders the findings in the chosen format to stdout or --output, and returns the exit code. */
export async function writeReport(found: Finding[], stats: ScanStats, args: ReportArgs, target: string, remediation: ReadonlyMap<string, string>, changeAllows?: readonly ChangeAllow[]): Promise<number> {
  const findings = await withResponse(found, args);
  const reporter = reporters[args.format];
  const color = !args.output && args.format === 'text' && wantsColor(args.color, process.stdout);
  // Remediation commands name a key ID in full only where secrets may be shown: a terminal, or --no-mask.
  const showIds = !args.mask || (!args.output && Boolean(process.stdout.isTTY) && !runningInCi());
  const document = reporter(findings, stats, { mask: args.mask, target, remediation, color, changeAllows, showIds });
  if (args.output) {
    try {
      // The replacements list holds every secret in clear: readable by its owner alone.
      if (args.format === 'replacements') {
        writeFileSync(args.output, document, { mode: 0o600 });
        chmodSync(args.output, 0o600);
      } else writeFileSync(args.output, document);
    } catch (error) {
      throw new UsageError(`--output ${args.output}: cannot write (${messageOf(error)})`);
    }
    // The report went to a file: the log still says what happened, and where the report is.
    process.stderr.write(`${summaryLine(findings, stats, target)}; report written to ${args.output}\n`);
  } else process.stdout.write(document);
  return findings.length ? args.exitCode : 0;
}
