import type { Filter } from '../types.js';

/**
 * The inline allow comments keyguard honours on a finding's own line: its own `keyguard:allow` (a reason may
 * follow), gitleaks' `gitleaks:allow`, and detect-secrets' `pragma: allowlist secret` (and its older
 * `pragma: whitelist secret`), so a repository moving from those tools keeps its allows. They allow the
 * findings of that line only; detect-secrets' `allowlist nextline secret` form is not honoured.
 */
const INLINE_ALLOW = /keyguard:allow|gitleaks:allow|pragma: ?(?:allow|white)list[ -]secret/;

export const inlineAllowFilter: Filter = {
  name: 'inline allow comment',
  keep: (finding) => !INLINE_ALLOW.test(finding.lineText),
};
