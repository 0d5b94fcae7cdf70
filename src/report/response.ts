import { type Finding, maskSecret } from '../types.js';

const LABELS: Record<string, string> = { keyId: '<access-key-id>', user: '<user-name>', role: '<role-name>', account: '<account-id>' };

/**
 * A finding's remediation commands (its rule's `steps`, chosen by src/respond) with their placeholders filled:
 * `{keyId}`, `{user}`, `{role}`, `{account}`, `{now}`; a `[[ … ]]` part is left out when a placeholder inside
 * it is unknown (`[[ --user-name {user}]]`; double brackets, since a policy document holds single ones), and an unknown one elsewhere reads `<user-name>`. The key ID appears in
 * full only when `showIds` (a terminal, or --no-mask): never in a CI log.
 */
export function renderSteps(finding: Finding, showIds: boolean, now = new Date()): string[] {
  const response = finding.response;
  if (!response?.steps.length) return [];
  const principal = response.verification;
  const known: Record<string, string | undefined> = {
    keyId: response.keyId && (showIds ? response.keyId : maskSecret(response.keyId)),
    user: principal?.user,
    role: principal?.role,
    account: principal?.account ?? response.account,
    now: now.toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => known[name] ?? LABELS[name] ?? `<${name}>`);
  const optional = (_: string, part: string) => ([...part.matchAll(/\{(\w+)\}/g)].every(([, name]) => known[name] !== undefined) ? part : '');
  return response.steps.map((step) => fill(step.replace(/\[\[(.*?)\]\]/g, optional)));
}

/** What the reports say of a verification, in words: active is an incident, error is no answer, never "inactive". */
export function verificationText(finding: Finding): string | null {
  const verification = finding.response?.verification;
  if (!verification) return null;
  if (verification.status === 'active') return `LIVE: STS accepts this key pair (${verification.arn ?? `account ${verification.account}`})`;
  if (verification.status === 'invalid') return `not accepted by STS (${verification.reason}): revoked, deleted or never valid`;
  return `could not be verified (${verification.reason}): treat it as live`;
}

/** The account line: which AWS account the key ID belongs to, and whether the repository calls it its own. */
export function accountText(finding: Finding): string | null {
  const response = finding.response;
  if (!response?.account) return null;
  if (response.accountName === undefined) return `AWS account ${response.account} (from the key ID)`;
  if (response.accountName === null) return `AWS account ${response.account}: not one of this repository's accounts (someone else's key: tell its owner too)`;
  return `AWS account ${response.account}: yours (${response.accountName})`;
}

/** Everything a person reads about a finding after a leak, a line each: account, verification, commands. */
export function responseLines(finding: Finding, showIds: boolean): string[] {
  const steps = renderSteps(finding, showIds);
  return [accountText(finding), verificationText(finding), ...steps.map((step, i) => `${i + 1}. ${step}`)].filter((line): line is string => line !== null);
}
