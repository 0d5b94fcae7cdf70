import { type Finding, HEADER_SUFFIX, type ScanStats } from '../types.js';

export interface ReportOptions {
  /** hide secrets (the default); false only for --no-mask */
  mask: boolean;
  /** what was scanned, for reports that name it ("staged changes", "history of /repo") */
  target: string;
  /** the rules' remediation sentences by rule id */
  remediation: ReadonlyMap<string, string>;
  /** true when the text report goes to a terminal, for colour */
  color?: boolean;
  /** the text report only: a line under each finding, how to allow it (the hooks' `keyguard allow <id>`) */
  allowHint?: (finding: Finding) => string;
  /**
   * Findings that only an allow the change itself adds accepts (`keyguard ci --trust-pr-allows`): not failures,
   * but listed in every format as notices for the reviewers who approve those allows.
   */
  changeAllows?: readonly ChangeAllow[];
  /** remediation commands may name key IDs in full (a terminal, or --no-mask; never a CI log) */
  showIds?: boolean;
}

/** A finding a pull request's own allow accepts, and that allow ("allowlist .keyguardallow", "inline allow comment"). */
export interface ChangeAllow {
  finding: Finding;
  allow: string;
}

/** Every finding a report shows, failing or allowed by the change: each one's secret is masked wherever it stands. */
export const reportedFindings = (findings: readonly Finding[], options: ReportOptions): readonly Finding[] =>
  options.changeAllows?.length ? [...findings, ...options.changeAllows.map((allowed) => allowed.finding)] : findings;

/** The notice every format gives a ChangeAllow, the secret shown as `shown` (masked unless --no-mask). */
export const changeAllowNotice = ({ finding, allow }: ChangeAllow, shown: string) =>
  `allowed by this change, for reviewers to check: ${finding.description} ${shown} at ${finding.file}:${finding.line}${finding.commit ? ` in commit ${finding.commit.sha.slice(0, 12)}` : ''} [${finding.ruleId}], accepted by the ${allow} the change adds`;

/** The part of a commit (or tag) a message finding (Finding.message) stands in, as reports name it. */
export const commitPart = (finding: Finding): 'header' | 'message' => (finding.file.endsWith(HEADER_SUFFIX) ? 'header' : 'message');

/** Renders findings as one document (text, JSON, SARIF, …); the CLI writes it to stdout or --output. */
export type Reporter = (findings: readonly Finding[], stats: ScanStats, options: ReportOptions) => string;
