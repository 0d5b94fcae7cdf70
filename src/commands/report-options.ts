import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { runningInCi } from '../ci/env.js';
import { UsageError, messageOf } from '../errors.js';
import { reporters } from '../report/index.js';
import type { Finding, ScanStats } from '../types.js';

/** The options every scanning command shares: how to report, and what to accept. */
export interface ReportArgs {
  format: string;
  output?: string;
  mask: boolean;
  baseline?: string;
}

export function withReportOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('format', { alias: 'f', type: 'string', choices: Object.keys(reporters), default: 'text', describe: 'report format' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to FILE (the exit code still says whether secrets were found)' })
    .option('mask', { type: 'boolean', default: true, describe: 'mask secrets in reports; --no-mask shows them in full' })
    .option('baseline', { type: 'string', describe: 'report only findings not recorded in this baseline file' })
    .option('show-secrets-in-ci', { type: 'boolean', default: false, describe: 'confirm --no-mask when CI is set (a CI log is read by many and kept for months)' })
    .check((args) => {
      if (!args.mask && !args.showSecretsInCi && runningInCi()) {
        throw new UsageError('--no-mask under CI would print live secrets into the build log: add --show-secrets-in-ci to confirm');
      }
      return true;
    });
}

/** Renders the findings in the chosen format to stdout or --output, and returns the exit code. */
export function writeReport(findings: Finding[], stats: ScanStats, args: ReportArgs, target: string, remediation: ReadonlyMap<string, string>): number {
  const reporter = reporters[args.format];
  const color = !args.output && args.format === 'text' && process.stdout.isTTY && !process.env.NO_COLOR;
  const document = reporter(findings, stats, { mask: args.mask, target, remediation, color });
  if (args.output) {
    try {
      writeFileSync(args.output, document);
    } catch (error) {
      throw new UsageError(`--output ${args.output}: cannot write (${messageOf(error)})`);
    }
  } else process.stdout.write(document);
  return findings.length ? 1 : 0;
}
