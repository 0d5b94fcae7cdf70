import type { Finding, Rule } from '../types.js';

/** A key ID with the secret (and, for a temporary key, the session token) found beside it. */
export interface KeyPair {
  keyId: Finding;
  secret: Finding;
  token?: Finding;
}

/** How far apart, in lines of one file or message, the parts of one credential may stand. */
const PAIR_WINDOW = 3;

const placeOf = (finding: Finding) => `${finding.commit?.sha ?? ''}\0${finding.message ? 'message' : 'file'}\0${finding.file}`;

/**
 * Key IDs paired with the nearest secret in the same place (file and commit, or message), and for an ASIA key
 * with the nearest session token: what --verify checks, and what remediation names together. The parts are
 * told apart by their rules' `credential`.
 */
export function keyPairs(findings: readonly Finding[], rules: ReadonlyMap<string, Rule>): KeyPair[] {
  const part = (finding: Finding) => rules.get(finding.ruleId)?.credential ?? null;
  const byPlace = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (!part(finding)) continue;
    const list = byPlace.get(placeOf(finding));
    if (list) list.push(finding);
    else byPlace.set(placeOf(finding), [finding]);
  }
  const pairs: KeyPair[] = [];
  for (const list of byPlace.values()) {
    const nearest = (id: Finding, wanted: Rule['credential']) =>
      list
        .filter((f) => part(f) === wanted && Math.abs(f.line - id.line) <= PAIR_WINDOW)
        .sort((a, b) => Math.abs(a.line - id.line) - Math.abs(b.line - id.line))[0];
    for (const keyId of list.filter((f) => part(f) === 'key-id')) {
      const secret = nearest(keyId, 'secret');
      if (secret) pairs.push({ keyId, secret, token: keyId.secret.startsWith('ASIA') ? nearest(keyId, 'session-token') : undefined });
    }
  }
  return pairs;
}
