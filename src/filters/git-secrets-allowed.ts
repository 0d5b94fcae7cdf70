// git-secrets' allowed patterns: secrets.allowed in git config and .gitallowed at the top of the repository.
import type { Filter, Finding } from '../types.js';
import { LinearRegex } from './linear-regex.js';

export const GITALLOWED_FILE = '.gitallowed';

/**
 * The patterns of a .gitallowed file as git-secrets reads them (`awk 'NF && $1!~/^#/'`): every line that is
 * not blank and whose first word does not start with "#", kept whole. CRLF line ends are dropped.
 */
export function gitallowedPatterns(text: string): Array<{ pattern: string; line: number }> {
  return text
    .split('\n')
    .map((line, index) => ({ pattern: line.replace(/\r$/, ''), line: index + 1 }))
    .filter(({ pattern }) => pattern.trim() && !pattern.trim().startsWith('#'));
}

/**
 * Whether an allowed pattern accepts one finding. git-secrets tests its allowed patterns against each whole
 * output line `file:line:content` and drops any line one matches, so an allowed example key also hid a real
 * key beside it. keyguard keeps git-secrets' text but decides per finding: the pattern must match the secret
 * itself, or match that `file:line:content` record with a match that covers the secret (`config/.*` covers the
 * rest of the line) or the whole file name (`^docs/setup\.md`, or a bare `docs/setup.md`, accepts that file).
 * A match on other text of the line, another key or a comment, accepts nothing.
 */
/** Where the secret stands in its line, as [start, end). */
export function secretSpan(finding: Finding): [number, number] {
  const at = finding.column - 1;
  // A decoded secret is not on the line as such: its span is the encoded token the finding points at.
  if (finding.decoded || finding.lineText.startsWith(finding.secret, at)) return [at, finding.endColumn - 1];
  // A very long line comes in pieces whose columns count from the line's start: find the secret in this piece.
  const found = finding.lineText.indexOf(finding.secret);
  return found === -1 ? [at, finding.endColumn - 1] : [found, found + finding.secret.length];
}

function allowsFinding(pattern: LinearRegex, finding: Finding): boolean {
  if (pattern.test(finding.secret)) return true;
  const prefix = `${finding.file}:${finding.line}:`;
  const [start, end] = secretSpan(finding).map((offset) => prefix.length + offset);
  for (const match of pattern.matches(prefix + finding.lineText)) {
    const matchEnd = match.index + match[0].length;
    if ((match.index <= start && matchEnd >= end) || (match.index === 0 && matchEnd >= finding.file.length)) return true;
  }
  return false;
}

export function gitSecretsAllowedFilter(patterns: readonly LinearRegex[]): Filter {
  return { name: 'git-secrets allowed pattern', keep: (finding) => !patterns.some((pattern) => allowsFinding(pattern, finding)) };
}
