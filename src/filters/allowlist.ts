// The allowlist file, .keyguardallow at the top of the repository: one entry per line, read by people in
// review, appended to by `keyguard allow`. Every entry accepts single findings by what they are (their
// fingerprint, their secret, their file), never a whole line, so an allowed value cannot hide a secret beside it.
import { createRequire } from 'node:module';
import { UsageError } from '../errors.js';
import { sha256Hex } from '../sha256.js';
import type { Filter, Finding, RuleIds } from '../types.js';
import { LinearRegex } from './linear-regex.js';

export const ALLOWLIST_FILE = '.keyguardallow';

const ALLOW_KINDS = ['fingerprint', 'value', 'value-sha256', 'regex', 'path'] as const;
type AllowKind = (typeof ALLOW_KINDS)[number];

/** What an entry says, as written: `KIND VALUE [path=GLOB] [rule=RULE-ID] [# reason]`. */
export interface AllowSpec {
  kind: AllowKind;
  value: string;
  /** only findings in files matching this glob (picomatch, repository-relative) */
  path?: string;
  /** only findings of this rule */
  rule?: string;
  reason?: string;
}

export interface AllowEntry extends AllowSpec {
  /** 1-based line in the allowlist file */
  line: number;
  allows(finding: Finding): boolean;
}

/** The comment a new allowlist file starts with: the format, where people will look for it. */
export const ALLOWLIST_HEADER = [
  '# keyguard allowlist: findings keyguard accepts in this repository. One entry per line:',
  '#   fingerprint <id>                one finding (keyguard prints its id; `keyguard allow <id>` adds it)',
  '#   value <text> [path=GLOB]        this exact secret value (only in files matching GLOB)',
  '#   value-sha256 <hex> [path=GLOB]  the secret value whose SHA-256 this is (`keyguard allow` writes one for a key)',
  '#   regex <RE2 regex> [path=GLOB]   secret values the regex finds a match in (anchor with ^...$)',
  '#   path <GLOB>                     every finding in files matching GLOB, e.g. test/fixtures/**',
  '# Any entry but a fingerprint also takes rule=RULE-ID. A "#" after an entry starts its reason.',
  '',
].join('\n');

/** How a finding's fingerprint looks (see detect/fingerprint.ts). */
export const FINGERPRINT = /^[0-9a-f]{32}$/;
const SHA256 = /^[0-9a-f]{64}$/;

const MODIFIERS = new Set(['path', 'rule']);

/** Globs are repository-relative: a leading "/" or "./" says so again. */
// picomatch loads when an entry has a glob: most repositories have none, and the commit hook pays for imports.
let picomatch: typeof import('picomatch') | null = null;
const globMatcher = (glob: string) => {
  picomatch ??= createRequire(import.meta.url)('picomatch') as typeof import('picomatch');
  return picomatch(glob.replace(/^\.?\//, ''), { dot: true });
};

function compileEntry(spec: AllowSpec, where: string): (finding: Finding) => boolean {
  const onPath = spec.path === undefined ? () => true : globMatcher(spec.path);
  const ofRule = (finding: Finding) => spec.rule === undefined || finding.ruleId === spec.rule;
  switch (spec.kind) {
    case 'fingerprint':
      return (finding) => finding.fingerprint === spec.value;
    case 'value':
      // The allowlist names the value itself: that mention is accepted too, whatever path= says.
      return (finding) => finding.secret === spec.value && ofRule(finding) && (onPath(finding.file) || finding.file === ALLOWLIST_FILE);
    case 'value-sha256':
      return (finding) => ofRule(finding) && onPath(finding.file) && sha256Hex(finding.secret) === spec.value;
    case 'regex': {
      const regex = new LinearRegex(spec.value, where);
      return (finding) => ofRule(finding) && onPath(finding.file) && regex.test(finding.secret);
    }
    case 'path': {
      const inFile = globMatcher(spec.value);
      return (finding) => ofRule(finding) && inFile(finding.file);
    }
  }
}

/** One line's entry, or null for a blank or comment line. Throws a UsageError naming file and line. */
function parseLine(text: string, where: string, ruleIds: RuleIds | null): AllowSpec | null {
  const fail = (why: string): never => {
    throw new UsageError(`${where}: ${why}`);
  };
  const hash = text.search(/(?:^|[ \t])#/);
  const body = hash === -1 ? text : text.slice(0, hash);
  const reason = hash === -1 ? undefined : text.slice(hash).replace(/^[ \t]*#[ \t]*/, '').trim() || undefined;
  const [kind, value, ...modifiers] = body.trim().split(/[ \t]+/).filter(Boolean);
  if (kind === undefined) return null;
  if (!(ALLOW_KINDS as readonly string[]).includes(kind)) fail(`unknown key "${kind}" (one of ${ALLOW_KINDS.join(', ')})`);
  if (value === undefined) fail(`"${kind}" needs a value`);
  const spec: AllowSpec = { kind: kind as AllowKind, value, reason };
  if (spec.kind === 'fingerprint' && !FINGERPRINT.test(value)) fail(`"${value}" is not a fingerprint (32 hexadecimal digits, as keyguard prints them)`);
  if (spec.kind === 'value-sha256' && !SHA256.test(value)) fail(`"${value}" is not a SHA-256 (64 lowercase hexadecimal digits)`);
  for (const modifier of modifiers) {
    const equals = modifier.indexOf('=');
    const name = equals === -1 ? modifier : modifier.slice(0, equals);
    if (!MODIFIERS.has(name)) fail(`unknown key "${name}" (an entry takes path=GLOB and rule=RULE-ID; a reason starts with "#")`);
    if (spec.kind === 'fingerprint') fail('a fingerprint names one finding already: it takes no path= or rule=');
    if (spec.kind === 'path' && name === 'path') fail('a path entry takes no path=');
    if (spec[name as 'path' | 'rule'] !== undefined) fail(`${name}= is given twice`);
    const setting = modifier.slice(equals + 1);
    if (equals === -1 || !setting) fail(`${name}= needs a value`);
    if (name === 'rule' && ruleIds && !ruleIds.has(setting)) fail(`rule=${setting}: no such rule (built-in: ${ruleIds.builtin().join(', ')})`);
    spec[name as 'path' | 'rule'] = setting;
  }
  return spec;
}

/**
 * Every entry of an allowlist file's text (LF or CRLF), validated: a bad entry is an error, never skipped, and
 * the error names every bad line of the file at once (one `file:line: why` a line), so one run fixes them all.
 * With `ruleIds`, a `rule=` must name one of them, so that a typo (`rule=aws-access-key`) is an error rather
 * than an entry that silently accepts nothing.
 */
export function parseAllowlist(text: string, file: string, ruleIds: RuleIds | null = null): AllowEntry[] {
  const entries: AllowEntry[] = [];
  const errors: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((lineText, index) => {
      const where = `${file}:${index + 1}`;
      try {
        const spec = parseLine(lineText, where, ruleIds);
        if (spec) entries.push({ ...spec, line: index + 1, allows: compileEntry(spec, where) });
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        errors.push(error.message);
      }
    });
  if (errors.length) throw new UsageError(errors.join('\n'));
  return entries;
}

/** How an entry is written: the inverse of parseLine. */
export function formatAllowEntry(spec: AllowSpec): string {
  const modifiers = [spec.path === undefined ? '' : ` path=${spec.path}`, spec.rule === undefined ? '' : ` rule=${spec.rule}`].join('');
  return `${spec.kind} ${spec.value}${modifiers}${spec.reason ? `  # ${spec.reason}` : ''}`;
}

/** Two entries that accept the same findings, whatever their reasons say. */
export const sameAllowance = (a: AllowSpec, b: AllowSpec) => a.kind === b.kind && a.value === b.value && a.path === b.path && a.rule === b.rule;

/** Groups value entries by what a finding must equal: its rule (or any, '') and its secret. */
const valueKey = (rule: string, value: string) => `${rule}\0${value}`;

/**
 * The entries that could accept a finding, found without reading the others: a finding costs a set lookup for
 * fingerprints and values (plus the path globs given for its own value), and a pass over the regex and path
 * entries only, so an allowlist of many values, the allowlist file's own lines scanned included, costs time
 * linear in its size.
 */
class AllowlistIndex {
  private readonly fingerprints = new Set<string>();
  private readonly values = new Map<string, AllowEntry[]>();
  /** value-sha256 entries, the same way by the secret's hash (computed only when there are some) */
  private readonly hashedValues = new Map<string, AllowEntry[]>();
  /** regex and path entries: each is a pattern, tried one by one */
  private readonly patterns: AllowEntry[] = [];

  constructor(entries: readonly AllowEntry[]) {
    for (const entry of entries) {
      if (entry.kind === 'fingerprint') this.fingerprints.add(entry.value);
      else if (entry.kind === 'value' || entry.kind === 'value-sha256') {
        const byValue = entry.kind === 'value' ? this.values : this.hashedValues;
        const key = valueKey(entry.rule ?? '', entry.value);
        const same = byValue.get(key);
        if (same) same.push(entry);
        else byValue.set(key, [entry]);
      } else this.patterns.push(entry);
    }
  }

  private static anyAllows(byValue: ReadonlyMap<string, AllowEntry[]>, value: string, finding: Finding): boolean {
    // Entries under one key differ by path= only; in the allowlist file itself the first one accepts.
    return ['', finding.ruleId].some((rule) => byValue.get(valueKey(rule, value))?.some((entry) => entry.allows(finding)));
  }

  allows(finding: Finding): boolean {
    if (this.fingerprints.has(finding.fingerprint)) return true;
    if (AllowlistIndex.anyAllows(this.values, finding.secret, finding)) return true;
    if (this.hashedValues.size && AllowlistIndex.anyAllows(this.hashedValues, sha256Hex(finding.secret), finding)) return true;
    return this.patterns.some((entry) => entry.allows(finding));
  }
}

export function allowlistFilter(entries: readonly AllowEntry[], file: string): Filter {
  const index = new AllowlistIndex(entries);
  return { name: `allowlist ${file}`, keep: (finding) => !index.allows(finding) };
}
