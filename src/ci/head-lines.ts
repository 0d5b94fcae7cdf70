import type { Finding } from '../types.js';
import type { RepoFileReader } from './repo-files.js';

/**
 * Findings of a pull request placed where its head holds them. A range scan reports each secret at the line
 * of the commit that added it; GitHub puts annotations and code-scanning alerts on the head's version of the
 * file, so a later commit of the pull request that inserted lines above the secret would move the annotation
 * onto the wrong line. A finding whose line is still in the head's file moves to that line (the nearest one,
 * when the line repeats); one whose line is gone (removed or changed within the pull request) stays at its
 * commit, where the commit's own diff view shows it. Commit-message findings have no file to move in.
 */
export function atHeadLines(findings: readonly Finding[], readAtHead: RepoFileReader): Finding[] {
  const lines = new Map<string, string[] | null>();
  const linesOf = (file: string) => {
    if (!lines.has(file)) lines.set(file, readAtHead(file)?.split(/\r?\n/) ?? null);
    return lines.get(file)!;
  };
  return findings.map((finding) => {
    if (finding.message || !finding.commit) return finding;
    const head = linesOf(finding.file);
    const line = head && nearestLine(head, finding.lineText, finding.line);
    return line && line !== finding.line ? { ...finding, line } : finding;
  });
}

/** The 1-based number of the line equal to `text` nearest to `near`, or null when no line is. */
function nearestLine(lines: readonly string[], text: string, near: number): number | null {
  const wanted = text.replace(/\r$/, '');
  let best: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === wanted && (best === null || Math.abs(i + 1 - near) < Math.abs(best - near))) best = i + 1;
  }
  return best;
}
