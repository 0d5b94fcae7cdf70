import type { Finding } from '../types.js';
import { type ReportMask, excerpt, reportMask, shownSecret } from './mask.js';
import { responseLines } from './response.js';
import { type ChangeAllow, type Reporter, changeAllowNotice, reportedFindings } from './types.js';

/** Text for an XML attribute or element: the five special characters escaped, characters XML 1.0 forbids dropped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function testCase(finding: Finding, mask: boolean, masked: ReportMask, remediation: string, showIds: boolean): string {
  const place = `${finding.file}:${finding.line}:${finding.column}`;
  const commit = finding.commit ? ` in commit ${finding.commit.sha}` : '';
  const summary = `${finding.description} ${shownSecret(finding, mask)} at ${place}${commit}`;
  const details = [summary, `  | ${excerpt(masked.line(finding), finding.column)}`, remediation, ...responseLines(finding, showIds)].filter(Boolean).join('\n');
  // GitLab shows `name` in the test list and reads `file` to link the failure to the source.
  return [
    `    <testcase classname="keyguard.${xmlEscape(finding.ruleId)}" name="${xmlEscape(`${finding.ruleId} ${place}${commit}`)}" file="${xmlEscape(finding.file)}" time="0">`,
    `      <failure type="${xmlEscape(finding.ruleId)}" message="${xmlEscape(summary)}">${xmlEscape(details)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

/** A finding the change's own allow accepts: a skipped case, so the report shows it without failing. */
const skippedCase = (mask: boolean) => (allowed: ChangeAllow) => {
  const { finding } = allowed;
  const notice = changeAllowNotice(allowed, shownSecret(finding, mask));
  return [
    `    <testcase classname="keyguard.${xmlEscape(finding.ruleId)}" name="${xmlEscape(`${finding.ruleId} ${finding.file}:${finding.line} (allowed by this change)`)}" file="${xmlEscape(finding.file)}" time="0">`,
    `      <skipped message="${xmlEscape(notice)}"/>`,
    '    </testcase>',
  ].join('\n');
};

/**
 * JUnit XML for GitLab's and Jenkins's test reports: one failing test case per finding, or a single passing one
 * when nothing was found, so the report never shows up empty.
 */
export const junitReporter: Reporter = (findings, stats, options) => {
  const masked = reportMask(reportedFindings(findings, options), options.mask);
  const allowed = (options.changeAllows ?? []).map(skippedCase(options.mask));
  const cases = findings.length || allowed.length
    ? [...findings.map((finding) => testCase(finding, options.mask, masked, options.remediation.get(finding.ruleId) ?? '', options.showIds ?? false)), ...allowed]
    : [`    <testcase classname="keyguard" name="${xmlEscape(`no secrets in ${options.target}`)}" time="0"/>`];
  const notes = stats.notes.length ? [`    <system-out>${xmlEscape(masked.text(stats.notes.join('\n')))}</system-out>`] : [];
  const counts = `tests="${cases.length}" failures="${findings.length}" errors="0" skipped="${allowed.length}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="keyguard" ${counts}>`,
    `  <testsuite name="${xmlEscape(`keyguard: ${options.target}`)}" ${counts} time="0">`,
    ...cases,
    ...notes,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
};
