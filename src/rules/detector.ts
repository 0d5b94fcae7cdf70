import { Detector } from '../detect/engine.js';
import { configuredRules } from './configured.js';
import { loadRuleSet } from './load.js';

/**
 * The detector with the built-in rules plus what git configuration prohibits as seen from `cwd` (git-secrets'
 * secrets.patterns and secrets.providers), the rule set it runs (what an incremental history state is keyed by), and each
 * rule's remediation sentence for reports. Kept apart from
 * the CLI's option code so the commit hooks load no reporter they do not use.
 */
export function createDetector(cwd = process.cwd()) {
  const ruleSet = loadRuleSet();
  ruleSet.rules.push(...configuredRules(cwd));
  return { detector: new Detector(ruleSet), ruleSet, remediation: new Map(ruleSet.rules.map((rule) => [rule.id, rule.remediation])) };
}
