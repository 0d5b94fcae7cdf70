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
    // Each part by line: a key ID looks at the seven lines around it, not at every finding of the file (a
    // dump of 20,000 keys in one file made that quadratic: 7 s).
    const byLine = new Map<Rule['credential'], Map<number, Finding[]>>();
    for (const finding of list) {
      const kind = part(finding);
      let lines = byLine.get(kind);
      if (!lines) byLine.set(kind, (lines = new Map()));
      const at = lines.get(finding.line);
      if (at) at.push(finding);
      else lines.set(finding.line, [finding]);
    }
    /**
     * The nearest `wanted` part: on the key ID's line, else one line below, one above, two below… Below first:
     * where pairs follow each other line after line, the ID comes before its secret (credentials files, .env).
     */
    const nearest = (id: Finding, wanted: Rule['credential']) => {
      const lines = byLine.get(wanted);
      for (let distance = 0; lines && distance <= PAIR_WINDOW; distance++) {
        for (const line of distance ? [id.line + distance, id.line - distance] : [id.line]) {
          const at = lines.get(line);
          if (at) return at[0];
        }
      }
      return undefined;
    };
    for (const keyId of byLine.get('key-id')?.values() ?? []) {
      for (const id of keyId) {
        const secret = nearest(id, 'secret');
        if (secret) pairs.push({ keyId: id, secret, token: id.secret.startsWith('ASIA') ? nearest(id, 'session-token') : undefined });
      }
    }
  }
  return pairs;
}
