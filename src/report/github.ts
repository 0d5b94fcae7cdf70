import type { Finding, Severity } from '../types.js';
import { reportMask, shownSecret } from './mask.js';
import { summaryLine } from './text.js';
import { accountText, verificationText } from './response.js';
import { type Reporter, changeAllowNotice, commitPart, reportedFindings } from './types.js';

/** GitHub Actions workflow commands that put an annotation on the run and on the pull request's diff. */
export type AnnotationLevel = 'error' | 'warning' | 'notice';

const LEVELS: Record<Severity, AnnotationLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice' };

// The runner decodes these escapes (actions/toolkit, command.ts): a raw newline would end the command, and in a
// property a ',' or ':' would end the value.
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=…,line=…::message`, every part escaped as the workflow command syntax requires. */
export function workflowCommand(level: AnnotationLevel, message: string, properties: Record<string, string | number> = {}): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

function annotation(finding: Finding, mask: boolean, remediation: string): string {
  const commit = finding.commit ? ` (commit ${finding.commit.sha.slice(0, 12)}${finding.message ? `, commit ${commitPart(finding)}` : ''})` : '';
  const name = finding.name ? " in the file's name" : '';
  const response = [accountText(finding), verificationText(finding)].filter(Boolean).join('\n');
  const message = `${finding.description} ${shownSecret(finding, mask)}${name}${commit} [${finding.ruleId}]\n${response ? `${response}\n` : ''}${remediation}`.trimEnd();
  // A commit message (or header) is no file of the repository: an annotation naming one would point nowhere, so
  // it goes on the run (its summary) without a place.
  if (finding.message) return workflowCommand(LEVELS[finding.severity], message, { title: `keyguard: ${finding.description} in a commit ${commitPart(finding)}` });
  return workflowCommand(LEVELS[finding.severity], message, {
    file: finding.file,
    line: finding.line,
    endLine: finding.line,
    col: finding.column,
    endColumn: finding.endColumn,
    title: `keyguard: ${finding.description}`,
  });
}

export const githubReporter: Reporter = (findings, stats, options) => {
  const lines = findings.map((finding) => annotation(finding, options.mask, options.remediation.get(finding.ruleId) ?? ''));
  const masked = reportMask(reportedFindings(findings, options), options.mask);
  for (const allowed of options.changeAllows ?? []) {
    const { finding } = allowed;
    lines.push(workflowCommand('notice', changeAllowNotice(allowed, shownSecret(finding, options.mask)), { file: finding.file, line: finding.line, col: finding.column, title: 'keyguard: allowed by this change' }));
  }
  for (const note of stats.notes) lines.push(workflowCommand('notice', masked.text(note)));
  lines.push(summaryLine(findings, stats, options.target));
  return `${lines.join('\n')}\n`;
};
