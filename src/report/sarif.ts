import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageInfo } from '../package-files.js';
import type { Finding, Severity } from '../types.js';
import { type ReportMask, excerpt, reportMask, shownSecret } from './mask.js';
import { renderSteps } from './response.js';
import { type Reporter, changeAllowNotice, commitPart, reportedFindings } from './types.js';

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: `level` decides error/warning/note, and the rule's
 * `security-severity` (a CVSS-like score) decides the critical/high/medium/low label of a security alert.
 */
const LEVELS: Record<Severity, { level: 'error' | 'warning' | 'note'; score: string }> = {
  critical: { level: 'error', score: '9.5' },
  high: { level: 'error', score: '8.0' },
  medium: { level: 'warning', score: '5.5' },
  low: { level: 'note', score: '2.0' },
};

/**
 * The file as a SARIF URI: repository-relative with forward slashes, resolved against %SRCROOT% (the checkout
 * the upload action knows); an absolute path (a scan outside any repository) as a file: URL.
 */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  const segments = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '').split('/');
  return { uri: segments.map((segment) => encodeURIComponent(segment)).join('/'), uriBaseId: '%SRCROOT%' };
}

/** "aws-access-key-id" → "AwsAccessKeyId": SARIF's rule `name` is meant to be an identifier. */
const ruleName = (id: string) => id.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, _sep: string, ch: string) => ch.toUpperCase());

function ruleOf(finding: Finding, remediation: string | undefined) {
  const help = remediation ?? finding.description;
  return {
    id: finding.ruleId,
    name: ruleName(finding.ruleId),
    shortDescription: { text: finding.description },
    fullDescription: { text: `${finding.description} committed to the repository.` },
    help: { text: help, markdown: help },
    defaultConfiguration: { level: LEVELS[finding.severity].level },
    properties: { tags: ['security', 'secret', 'aws'], precision: 'high', 'security-severity': LEVELS[finding.severity].score },
  };
}

/** "AWS access key ID AKIA…WXYZ, added by commit 0a1b…": what the alert says, and where it came from. */
function messageText(finding: Finding, mask: boolean): string {
  const { commit } = finding;
  const where = finding.message ? ` in the ${commitPart(finding)} of commit ${commit?.sha ?? ''}`.trimEnd() : commit ? `, added by commit ${commit.sha}` : '';
  const name = finding.name ? " in the file's name" : '';
  return `${finding.description} ${shownSecret(finding, mask)}${name}${where}${finding.decoded ? ` (${finding.decoded}-encoded)` : ''}.`;
}

/**
 * The workflow file of a GitHub Actions run (`GITHUB_WORKFLOW_REF` is owner/repo/path@ref): code scanning shows
 * only results with a file of the repository, and a commit message has none, so its alert stands there.
 */
function workflowFile(env: NodeJS.ProcessEnv): string | null {
  const match = /^[^/]+\/[^/]+\/([^@]+)@/.exec(env.GITHUB_WORKFLOW_REF ?? '');
  return match ? match[1] : null;
}

/** Where a commit message's (or header's) finding stands: the workflow file on GitHub, else the commit, logically. */
function messageLocation(finding: Finding) {
  const logical = { logicalLocations: [{ name: `commit ${commitPart(finding)}`, fullyQualifiedName: `commit ${finding.commit?.sha ?? '(staged)'}`, kind: 'object' }] };
  const workflow = workflowFile(process.env);
  return workflow ? { physicalLocation: { artifactLocation: artifactLocation(workflow), region: { startLine: 1 } }, ...logical } : logical;
}

function resultOf(finding: Finding, ruleIndex: number, mask: boolean, masked: ReportMask, showIds: boolean) {
  const commit = finding.commit;
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVELS[finding.severity].level,
    message: { text: messageText(finding, mask) },
    locations: [
      finding.message ? messageLocation(finding) : {
        physicalLocation: {
          artifactLocation: artifactLocation(finding.file),
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.line,
            endColumn: finding.endColumn,
            snippet: { text: excerpt(masked.line(finding), finding.column) },
          },
        },
      },
    ],
    // The fingerprint ignores line numbers, so an alert survives edits above it; the commit tells apart the
    // same secret introduced again by another commit of a history or range scan.
    partialFingerprints: { 'keyguardFingerprint/v1': finding.fingerprint, ...(commit ? { 'commitSha/v1': commit.sha } : {}) },
    properties: {
      source: finding.source,
      ...(commit ? { commit: commit.sha, author: commit.author, email: commit.email, date: commit.date } : {}),
      ...(finding.commits !== undefined ? { commits: finding.commits } : {}),
      ...(finding.message ? { commitMessage: true } : {}),
      ...(finding.name ? { fileName: true } : {}),
      ...(finding.response?.account ? { account: finding.response.account } : {}),
      ...(finding.response?.accountName !== undefined ? { accountName: finding.response.accountName } : {}),
      ...(finding.response?.verification ? { verification: finding.response.verification } : {}),
      ...(finding.response?.steps.length ? { remediation: renderSteps(finding, showIds) } : {}),
    },
  };
}

export const sarifReporter: Reporter = (findings, stats, options) => {
  const { version, homepage } = packageInfo();
  const masked = reportMask(reportedFindings(findings, options), options.mask);
  const ruleIndex = new Map<string, number>();
  const rules: Array<ReturnType<typeof ruleOf>> = [];
  for (const finding of [...findings, ...(options.changeAllows ?? []).map((allowed) => allowed.finding)]) {
    if (ruleIndex.has(finding.ruleId)) continue;
    ruleIndex.set(finding.ruleId, rules.length);
    rules.push(ruleOf(finding, options.remediation.get(finding.ruleId)));
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'keyguard', version, ...(homepage ? { informationUri: homepage } : {}), rules } },
        // Finding columns count UTF-16 code units, like editors (see Finding.column).
        columnKind: 'utf16CodeUnits',
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: stats.notes.map((note) => ({ level: 'note', message: { text: masked.text(note) } })),
          },
        ],
        results: [
          ...findings.map((finding) => resultOf(finding, ruleIndex.get(finding.ruleId)!, options.mask, masked, options.showIds ?? false)),
          // Suppressed results: code scanning lists them as dismissed, with the reviewers' notice as the reason.
          ...(options.changeAllows ?? []).map((allowed) => ({
            ...resultOf(allowed.finding, ruleIndex.get(allowed.finding.ruleId)!, options.mask, masked, options.showIds ?? false),
            suppressions: [{ kind: allowed.allow.startsWith('inline') ? 'inSource' : 'external', status: 'accepted', justification: changeAllowNotice(allowed, shownSecret(allowed.finding, options.mask)) }],
          })),
        ],
        properties: { target: options.target, commits: stats.commits, files: stats.files, bytes: stats.bytes, binarySkipped: stats.binarySkipped },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
