import type { Finding } from '../types.js';
import { maskSecret } from './secret-mask.js';
import type { Reporter } from './types.js';

/** A finding as machine formats show it: the secret masked unless asked, commit details flattened. */
export function plainFinding(finding: Finding, mask: boolean) {
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
    ...(finding.decoded ? { decoded: finding.decoded } : {}),
    ...(finding.commits !== undefined ? { commits: finding.commits } : {}),
  };
}

/** The findings, then (under `ci --trust-pr-allows`) those the change's own allows accept, marked `allowedByChange`. */
export const jsonReporter: Reporter = (findings, _stats, options) => {
  const allowed = (options.changeAllows ?? []).map(({ finding, allow }) => ({ ...plainFinding(finding, options.mask), allowedByChange: allow }));
  return `${JSON.stringify([...findings.map((finding) => plainFinding(finding, options.mask)), ...allowed], null, 2)}\n`;
};
