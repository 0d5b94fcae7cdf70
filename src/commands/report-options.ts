import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { runningInCi } from '../ci/env.js';
import { UsageError, messageOf } from '../errors.js';
import { reporters } from '../report/index.js';
import type { ChangeAllow } from '../report/types.js';
import { summaryLine } from '../report/text.js';
import { wantsColor } from '../report/color.js';
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
}


export function withReportOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('format', { alias: ['f', 'report-format'], type: 'string', choices: Object.keys(reporters), default: 'text', describe: 'report format' })
    .option('output', { alias: ['o', 'report-path'], type: 'string', describe: 'write the report to FILE (the exit code still says whether secrets were found)' })
    .option('mask', { type: 'boolean', default: true, describe: 'mask secrets in reports; --no-mask shows them in full' })
    .option('redact', { type: 'boolean', describe: 'mask secrets (the default; gitleaks\' name for it)' })
    .option('exit-code', { type: 'number', default: 1, describe: 'exit code when secrets are found' })
    .option('color', { type: 'boolean', describe: 'colour the text report (default: on a terminal, or when FORCE_COLOR is set)' })
    .option('baseline', { type: 'string', describe: 'report only findings not recorded in this baseline file' })
    .option('show-secrets-in-ci', { type: 'boolean', default: false, describe: 'confirm --no-mask in CI (CI, GITHUB_ACTIONS, GITLAB_CI, JENKINS_URL, … set): a CI log is read by many and kept for months' })
    .check((args) => {
      if (args.output === '') throw new UsageError('--output needs a file name');
      if (args.redact && !args.mask) throw new UsageError('--redact and --no-mask contradict each other: choose one');
      const exitCode = args.exitCode as number;
      if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) throw new UsageError('--exit-code takes a whole number from 0 to 255');
      if (!args.mask && !args.showSecretsInCi && runningInCi()) {
        throw new UsageError('--no-mask under CI would print live secrets into the build log: add --show-secrets-in-ci to confirm');
      }
      return true;
    });
}

/** Renders the findings in the chosen format to stdout or --output, and returns the exit code. */
export function writeReport(findings: Finding[], stats: ScanStats, args: ReportArgs, target: string, remediation: ReadonlyMap<string, string>, changeAllows?: readonly ChangeAllow[]): number {
  const reporter = reporters[args.format];
  const color = !args.output && args.format === 'text' && wantsColor(args.color, process.stdout);
  const document = reporter(findings, stats, { mask: args.mask, target, remediation, color, changeAllows });
  if (args.output) {
    try {
      writeFileSync(args.output, document);
    } catch (error) {
      throw new UsageError(`--output ${args.output}: cannot write (${messageOf(error)})`);
    }
    // The report went to a file: the log still says what happened, and where the report is.
    process.stderr.write(`${summaryLine(findings, stats, target)}; report written to ${args.output}\n`);
  } else process.stdout.write(document);
  return findings.length ? args.exitCode : 0;
}
