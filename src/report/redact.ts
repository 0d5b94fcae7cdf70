// Error messages quote what the user wrote: a bad allowlist line, a provider's stderr, an argument. When that
// holds a key, printing it whole would put it in a terminal's scrollback or, in CI, a pull request's build
// log. So every message is masked before it is printed, by the built-in rules, before any report is made.
import { Detector } from '../detect/engine.js';
import { loadRuleSet } from '../rules/load.js';
import { SecretMask } from './secret-mask.js';

let contextFree: Detector | null = null;

/**
 * The built-in rules with their context dropped: a message is a line or two, too short to hold the keyword or
 * the key ID that makes a bare 40-character value a secret key, so any value a rule would report with that
 * context counts here. Entropy, documented examples and placeholders still rule values out (a commit id is
 * hexadecimal, below the secret key's entropy).
 */
function detector(): Detector {
  if (!contextFree) {
    const ruleSet = loadRuleSet();
    contextFree = new Detector({ ...ruleSet, rules: ruleSet.rules.map((rule) => ({ ...rule, context: null, keywords: [] })) });
  }
  return contextFree;
}

/** The text with every secret a built-in rule finds in it masked, in every form it is written there. */
export function redactSecrets(text: string): string {
  let rules: Detector;
  try {
    rules = detector();
  } catch {
    return text; // the built-in rules cannot load: the error being printed says why, and no rule could run
  }
  const findings = rules.detect({ file: 'message', line: 1, text, source: 'stdin', commit: null });
  return findings.length ? new SecretMask(findings.map((finding) => finding.secret)).apply(text) : text;
}
