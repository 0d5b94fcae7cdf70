import { type Finding, maskSecret } from '../types.js';
import { renderSteps } from './response.js';
import type { Reporter } from './types.js';

/** A finding as machine formats show it: the secret masked unless asked, commit details flattened. */
export function plainFinding(finding: Finding, mask: boolean, showIds = !mask) {
  const response = finding.response;
  return {
    ruleId: finding.ruleId,
    description: finding.description,
    severity: finding.severity,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    endColumn: finding.endColumn,
    match: maskSecret(finding.secret),
    ...(mask ? {} : { secret: finding.secret }),
    fingerprint: finding.fingerprint,
    commit: finding.commit?.sha ?? null,
    author: finding.commit?.author ?? null,
    email: finding.commit?.email ?? null,
    date: finding.commit?.date ?? null,
    source: finding.source,
    ...(finding.message ? { message: true } : {}),
    ...(finding.name ? { name: true } : {}),
    ...(finding.decoded ? { decoded: finding.decoded } : {}),
    ...(finding.commits !== undefined ? { commits: finding.commits } : {}),
    ...(response?.account ? { account: response.account } : {}),
    ...(response?.accountName !== undefined ? { accountName: response.accountName } : {}),
    ...(response?.verification ? { verification: response.verification } : {}),
    ...(response?.steps.length ? { remediation: renderSteps(finding, showIds) } : {}),
  };
}

/** The findings, then (under `ci --trust-pr-allows`) those the change's own allows accept, marked `allowedByChange`. */
export const jsonReporter: Reporter = (findings, _stats, options) => {
  const plain = (finding: Finding) => plainFinding(finding, options.mask, options.showIds);
  const allowed = (options.changeAllows ?? []).map(({ finding, allow }) => ({ ...plain(finding), allowedByChange: allow }));
  return `${JSON.stringify([...findings.map(plain), ...allowed], null, 2)}\n`;
};
