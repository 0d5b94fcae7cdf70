import type { Filter, Finding } from '../types.js';
import { secretSpan } from './git-secrets-allowed.js';

/**
 * The inline allow markers keyguard honours: its own `keyguard:allow` (a reason may follow), gitleaks'
 * `gitleaks:allow`, and detect-secrets' `pragma: allowlist secret` (and its older `pragma: whitelist secret`),
 * so a repository moving from those tools keeps its allows. detect-secrets' `allowlist nextline secret` form is
 * not honoured. Global: the last marker of a line is found in one linear pass.
 */
const MARKER = /keyguard:allow|gitleaks:allow|pragma: ?(?:allow|white)list[ -]secret/g;

/** What opens a comment in the languages secrets are written in: shell, Python, YAML, C, JS, SQL, INI, HTML, TeX. */
const COMMENT_OPENERS = ['<!--', '#', '//', '--', '/*', ';', '%']; // `<!--` before the `--` it ends with

/**
 * What may follow a marker: nothing, or a space (or a block comment's end) and a reason without quotes. A quote
 * after the marker means the marker stands inside a string value (`"note":"# keyguard:allow x"}`), not in a
 * comment that ends the line.
 */
const AFTER_MARKER = /^(?:(?:\s|\*\/|-->)[^"'`]*)?$/;

/**
 * Where the line's trailing allow comment opens, or -1 when it has none. A marker counts only as the start of a
 * comment that ends the line: a comment opener (after a space, or at the line's start), the marker, an
 * optional reason. Anywhere else (inside a string value, before more code) it allows nothing: a minified
 * JSON file is one line, and `"policy":"see keyguard:allow docs"` in it must not allow the keys beside it.
 */
function trailingAllowComment(line: string): number {
  let marker: RegExpExecArray | null = null;
  MARKER.lastIndex = 0;
  for (let match = MARKER.exec(line); match; match = MARKER.exec(line)) marker = match;
  if (!marker || !AFTER_MARKER.test(line.slice(marker.index + marker[0].length).replace(/\r$/, ''))) return -1;
  const before = line.slice(0, marker.index).trimEnd();
  const opener = COMMENT_OPENERS.find((o) => before.endsWith(o));
  if (!opener) return -1;
  const at = before.length - opener.length;
  return at === 0 || /\s/.test(before[at - 1]) ? at : -1;
}

/**
 * An inline allow accepts one finding: the only secret on its line, standing before the trailing comment.
 * A line holding two secrets is not allowed inline at all (the README promises allows "per finding, never per
 * line"): a comment meant for a fixture key must not pass a real key beside it. Those use .keyguardallow.
 */
function allowedInline(finding: Finding): boolean {
  if (finding.sharesLine || finding.name) return false; // a file's name holds no comment
  const comment = trailingAllowComment(finding.lineText);
  return comment !== -1 && secretSpan(finding)[1] <= comment;
}

export const inlineAllowFilter: Filter = {
  name: 'inline allow comment',
  keep: (finding) => !allowedInline(finding),
};
