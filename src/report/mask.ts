import type { Finding } from '../types.js';

/** `AKIA************WXYZ`: enough to recognise a key in IAM, not enough to use it. */
export function maskSecret(secret: string): string {
  const keep = secret.length >= 20 ? 4 : secret.length >= 12 ? 2 : 0;
  const hidden = Math.min(secret.length - 2 * keep, 32);
  return secret.slice(0, keep) + '*'.repeat(hidden) + (keep ? secret.slice(-keep) : '');
}

/** The finding's line with its secret (or the encoded token holding it) masked. */
export function maskLine(finding: Finding, mask: boolean): string {
  if (!mask) return finding.lineText;
  let line = finding.lineText.split(finding.secret).join(maskSecret(finding.secret));
  if (finding.decoded) {
    const start = finding.column - 1;
    const end = finding.endColumn - 1;
    if (end <= line.length) line = line.slice(0, start) + maskSecret(line.slice(start, end)) + line.slice(end);
  }
  return line;
}

/** What reports show of the secret. */
export function shownSecret(finding: Finding, mask: boolean): string {
  return mask ? maskSecret(finding.secret) : finding.secret;
}
