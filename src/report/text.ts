import type { Finding, ScanStats } from '../types.js';
import { excerpt, reportMask, shownSecret } from './mask.js';
import { printable } from './printable.js';
import { responseLines } from './response.js';
import { type Reporter, changeAllowNotice, reportedFindings } from './types.js';

function paint(color: boolean | undefined, code: number, text: string): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function where(finding: Finding): string {
  const file = printable(finding.file);
  const place = finding.name ? `${file} (in its name, column ${finding.column})` : `${file}:${finding.line}:${finding.column}`;
  if (!finding.commit) return place;
  // A blob or tree a ref names straight away has no author or date: its id says where it is.
  if (!finding.commit.author && !finding.commit.date) return `${place} in object ${finding.commit.sha.slice(0, 12)}`;
  const survived = finding.commits && finding.commits > 1 ? `, still there ${finding.commits - 1} commit(s) later` : '';
  return `${place} in commit ${finding.commit.sha.slice(0, 12)} (${printable(finding.commit.author)}, ${finding.commit.date.slice(0, 10)}${survived})`;
}

/** 12,345: as toLocaleString('en-US') writes it, without loading ICU's number formats (~15 ms, at the end of every scan). */
export const withCommas = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

const plural = (n: number, word: string) => `${withCommas(n)} ${word}${n === 1 ? '' : 's'}`;

export function summaryLine(findings: readonly Finding[], stats: ScanStats, target: string): string {
  const scanned = [stats.commits ? plural(stats.commits, 'commit') : '', stats.files ? plural(stats.files, 'file') : ''].filter(Boolean).join(', ');
  const binary = stats.binarySkipped ? `; ${plural(stats.binarySkipped, 'binary file')} skipped` : '';
  const verdict = findings.length ? plural(findings.length, 'secret') + ' found' : 'no secrets found';
  return `keyguard: ${verdict} in ${printable(target)}${scanned ? ` (${scanned} scanned${binary})` : binary ? ` (${binary.slice(2)})` : ''}`;
}

export const textReporter: Reporter = (findings, stats, options) => {
  const out: string[] = [];
  const masked = reportMask(reportedFindings(findings, options), options.mask);
  const stepsShown = new Set<string>();
  for (const finding of findings) {
    const severity = finding.severity === 'critical' || finding.severity === 'high' ? 31 : 33;
    out.push(`${paint(options.color, severity, `${finding.severity.toUpperCase()}`)} ${finding.description} ${paint(options.color, 1, shownSecret(finding, options.mask))}${finding.decoded ? ` (${finding.decoded}-encoded)` : ''}`);
    out.push(`  ${where(finding)}  [${finding.ruleId}]`);
    out.push(`  | ${printable(excerpt(masked.line(finding), finding.column))}`);
    out.push(`  ${options.remediation.get(finding.ruleId) ?? ''}`);
    // A secret's steps are its key ID's: said once, at whichever of the two comes first.
    const keyId = finding.response?.steps.length ? finding.response.keyId : undefined;
    const lines = keyId && stepsShown.has(keyId) ? responseLines({ ...finding, response: { ...finding.response!, steps: [] } }, false) : responseLines(finding, options.showIds ?? false);
    if (keyId && stepsShown.has(keyId)) lines.push('(the steps above, for the same key)');
    if (keyId) stepsShown.add(keyId);
    for (const line of lines) out.push(`    ${line}`);
    if (options.allowHint) out.push(`  ${options.allowHint(finding)}`);
    out.push('');
  }
  for (const allowed of options.changeAllows ?? []) out.push(`notice: ${printable(changeAllowNotice(allowed, shownSecret(allowed.finding, options.mask)))}`);
  for (const note of stats.notes) out.push(`note: ${printable(masked.text(note))}`);
  out.push(summaryLine(findings, stats, options.target));
  return `${out.join('\n')}\n`;
};
