import type { Finding, ScanStats } from '../types.js';

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
}

/** Renders findings as one document (text, JSON, SARIF, …); the CLI writes it to stdout or --output. */
export type Reporter = (findings: readonly Finding[], stats: ScanStats, options: ReportOptions) => string;
