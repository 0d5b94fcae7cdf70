// What git-secrets' configuration prohibits, as rules next to the built-in ones: each secrets.patterns regex,
// and each value a secrets.providers command prints.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { sha256Hex } from '../sha256.js';
import { escapeRegExp } from '../regex.js';
import type { Rule } from '../types.js';
import { awsCredentialValues } from '../filters/aws-credentials.js';
import { readSecretsConfig } from '../filters/git-config.js';
import { LinearRegExp, LinearRegex } from '../filters/linear-regex.js';

/**
 * What `git secrets --register-aws` adds to secrets.patterns. keyguard's built-in rules find the same keys
 * with fewer false positives; running these too would report each key twice.
 */
const REGISTER_AWS_PATTERNS = new Set([
  '(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}',
  `("|')?(AWS|aws|Aws)?_?(SECRET|secret|Secret)?_?(ACCESS|access|Access)?_?(KEY|key|Key)("|')?\\s*(:|=>|=)\\s*("|')?[A-Za-z0-9/\\+=]{40}("|')?`,
  `("|')?(AWS|aws|Aws)?_?(ACCOUNT|account|Account)_?(ID|id|Id)?("|')?\\s*(:|=>|=)\\s*("|')?[0-9]{4}\\-?[0-9]{4}\\-?[0-9]{4}("|')?`,
]);

/**
 * Provider commands that print the AWS credentials file's keys: keyguard's own and git-secrets' (which
 * --register-aws adds). Run in-process: no Node start on every commit, and no need for git-secrets installed.
 */
const AWS_PROVIDERS = ['git secrets --aws-provider', 'git-secrets --aws-provider', 'keyguard aws-provider', 'git keyguard aws-provider', 'git-keyguard aws-provider'];

/** The ids of the rules git configuration adds: a hash of the pattern or value, so known only to that configuration. */
export const CONFIGURED_RULE_ID = /^(?:git-secrets-pattern|prohibited-value)-[0-9a-f]{12}$/;

const shortHash = (text: string) => sha256Hex(text).slice(0, 12);
const WORD = /[0-9A-Za-z_]/;

/**
 * A secrets.patterns regex (POSIX ERE for git-secrets; RE2 accepts nearly all of it) as git grep -w runs it:
 * the match must start a line or follow a non-word character (consumed here, so group 1 is the pattern's
 * match), and end a line or precede a non-word character (checked after the match: RE2 has no lookahead).
 */
function patternRule(pattern: string): Rule {
  const linear = new LinearRegex(`(?:^|[^0-9A-Za-z_])(${pattern})`, `git config secrets.patterns ${JSON.stringify(pattern)}`, { multiline: true });
  const endsWord = (match: RegExpExecArray) => {
    const next = match.input.charAt(match.index + match[0].length);
    return next === '' || next === '\n' || next === '\r' || !WORD.test(next);
  };
  const shown = pattern.length > 60 ? `${pattern.slice(0, 57)}...` : pattern;
  return {
    id: `git-secrets-pattern-${shortHash(pattern)}`,
    description: `prohibited pattern ${shown} (secrets.patterns)`,
    severity: 'high',
    regex: new LinearRegExp(linear, endsWord),
    secretGroup: 1,
    keywords: [],
    context: null,
    entropy: 0,
    allowed: [],
    prefix: null,
    filterPlaceholders: false,
    remediation: 'Remove it from the file: this repository\'s git configuration prohibits it (git config --get-all secrets.patterns).',
    credential: null,
    steps: [],
  };
}

/** A value a provider printed: found anywhere, case and all, on the lines that hold it. */
function literalRule(value: string): Rule {
  return {
    id: `prohibited-value-${shortHash(value)}`,
    description: 'prohibited value (secrets.providers)',
    severity: 'critical',
    regex: new RegExp(escapeRegExp(value), 'gd'),
    secretGroup: 0,
    keywords: [value],
    context: null,
    entropy: 0,
    allowed: [],
    prefix: null,
    filterPlaceholders: false,
    remediation: 'Rotate this credential: it is one of your own (secrets.providers lists it). Then remove it from the file.',
    credential: null,
    steps: [],
  };
}

/**
 * The values one secrets.providers command prints, a line each. Split into words on blanks and run without a
 * shell, as git-secrets does (it word-splits, so quoting never worked there either). A provider that fails is
 * an error: a scan that silently lost its prohibited values would pass what it should block.
 */
function providerValues(command: string, cwd: string): string[] {
  const words = command.split(/[\n\t ]+/).filter(Boolean);
  if (!words.length) return [];
  const aws = AWS_PROVIDERS.find((name) => words.slice(0, name.split(' ').length).join(' ') === name);
  if (aws) {
    const [file, ...extra] = words.slice(aws.split(' ').length);
    if (extra.length) throw new UsageError(`secrets.providers ${JSON.stringify(command)}: the AWS provider takes one credentials file`);
    return awsCredentialValues(file === undefined ? undefined : resolve(cwd, file));
  }
  const result = spawnSync(words[0], words.slice(1), { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
  const failure = result.error
    ? ((result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'command not found' : result.error.message)
    : result.status !== 0
      ? `exit code ${result.status ?? result.signal}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}`
      : null;
  if (failure) throw new UsageError(`secrets.providers ${JSON.stringify(command)}: ${failure}`);
  // Blank lines would prohibit everything: git-secrets drops them too.
  return result.stdout.split('\n').map((line) => line.replace(/\r$/, '').trim()).filter(Boolean);
}

/** The rules git configuration adds: secrets.patterns (less --register-aws's own) and providers' values. */
export function configuredRules(cwd: string): Rule[] {
  const config = readSecretsConfig(cwd);
  const patterns = config['secrets.patterns'].filter((pattern) => pattern.trim() && !REGISTER_AWS_PATTERNS.has(pattern));
  const values = new Set(config['secrets.providers'].flatMap((command) => providerValues(command, cwd)));
  return [...patterns.map(patternRule), ...[...values].map(literalRule)];
}
