import type { Finding } from '../types.js';

/** `AKIA************WXYZ`: enough to recognise a key in IAM, not enough to use it. */
export function maskSecret(secret: string): string {
  const keep = secret.length >= 20 ? 4 : secret.length >= 12 ? 2 : 0;
  const hidden = Math.min(secret.length - 2 * keep, 32);
  return secret.slice(0, keep) + '*'.repeat(hidden) + (keep ? secret.slice(-keep) : '');
}

const placeOf = (finding: Finding) => `${finding.commit?.sha ?? ''}\0${finding.file}\0${finding.line}`;

/**
 * Masks findings' lines for reports: each line shows masked every secret found on it, not only the finding's
 * own (a key ID's line often holds its secret key too), and the encoded token of a decoded secret.
 */
export function lineMasker(findings: readonly Finding[], mask: boolean): (finding: Finding) => string {
  if (!mask) return (finding) => finding.lineText;
  const byPlace = new Map<string, Finding[]>();
  for (const finding of findings) {
    const same = byPlace.get(placeOf(finding));
    if (same) same.push(finding);
    else byPlace.set(placeOf(finding), [finding]);
  }
  return (finding) => {
    const same = byPlace.get(placeOf(finding)) ?? [finding];
    let line = finding.lineText;
    // Encoded spans first, right to left, while their columns still hold; then the secrets themselves.
    for (const f of same.filter((f) => f.decoded).sort((a, b) => b.column - a.column)) {
      const start = f.column - 1;
      const end = f.endColumn - 1;
      if (end <= line.length) line = line.slice(0, start) + maskSecret(line.slice(start, end)) + line.slice(end);
    }
    for (const f of same) line = line.split(f.secret).join(maskSecret(f.secret));
    return line;
  };
}

/** What reports show of the secret. */
export function shownSecret(finding: Finding, mask: boolean): string {
  return mask ? maskSecret(finding.secret) : finding.secret;
}
