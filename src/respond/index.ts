import type { Finding, Rule, Verification } from '../types.js';
import { accountOfKeyId } from './account.js';
import { type KeyPair, keyPairs } from './pairs.js';

export interface RespondOptions {
  /** the rules by id: their `credential` and `steps` */
  rules: ReadonlyMap<string, Rule>;
  /** the repository's own accounts (declaredAccounts), or null */
  accounts: ReadonlyMap<string, string> | null;
  /** --verify: asks STS about each pair (verify.ts); absent, nothing leaves the machine */
  verify?: (pairs: readonly KeyPair[]) => Promise<Map<KeyPair, Verification>>;
}

/** The remediation templates of the first entry of `steps` that applies to `subject` (a key ID, or the secret). */
const chooseSteps = (steps: Rule['steps'], subject: string) => steps.find((entry) => !entry.when || entry.when.test(subject))?.do ?? [];

/**
 * After a leak: each credential finding learns whose it is (the account its key ID encodes, and whether the
 * repository calls that account its own), whether it is live (--verify only), and the commands that deal
 * with it. Other findings pass unchanged.
 */
export async function respond(findings: readonly Finding[], options: RespondOptions): Promise<Finding[]> {
  const { rules, accounts } = options;
  const pairs = keyPairs(findings, rules);
  const verified = options.verify && pairs.length ? await options.verify(pairs) : new Map<KeyPair, Verification>();
  const pairOf = new Map<Finding, KeyPair>();
  for (const pair of pairs) for (const part of [pair.keyId, pair.secret, pair.token]) if (part && !pairOf.has(part)) pairOf.set(part, pair);
  return findings.map((finding) => {
    const rule = rules.get(finding.ruleId);
    if (!rule?.credential) return finding;
    const pair = pairOf.get(finding);
    const keyId = rule.credential === 'key-id' ? finding.secret : pair?.keyId.secret;
    const account = rule.credential === 'key-id' ? (accountOfKeyId(finding.secret) ?? undefined) : undefined;
    const verification = pair && verified.get(pair);
    return {
      ...finding,
      response: {
        ...(account ? { account, ...(accounts ? { accountName: accounts.get(account) ?? null } : {}) } : {}),
        ...(keyId ? { keyId } : {}),
        ...(verification ? { verification } : {}),
        steps: chooseSteps(rule.steps, keyId ?? finding.secret),
      },
    };
  });
}
