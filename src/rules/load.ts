import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeForKeywords } from '../detect/engine.js';
import { UsageError, messageOf } from '../errors.js';
import { packageFile } from '../package-files.js';
import type { Rule, RuleIds, RuleSet, Severity } from '../types.js';
import { CONFIGURED_RULE_ID } from './configured.js';
import type { RuleSpec } from './types.js';

/** patterns/ at the package root, next to dist/ and src/. */
const BUILTIN_PATTERNS_DIR = packageFile('patterns/');

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
const RULE_KEYS = new Set(['id', 'description', 'severity', 'regex', 'flags', 'secretGroup', 'keywords', 'context', 'entropy', 'allowed', 'prefix', 'remediation', 'credential', 'steps']);
const CREDENTIAL_PARTS = ['key-id', 'secret', 'session-token'];
const CONTEXT_KEYS = new Set(['lineKeywords', 'pairWith', 'pairWindow', 'keywordLinesAbove', 'standalone']);
const DEFAULT_REMEDIATION = 'Revoke or rotate this credential, then remove it from the file.';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read rule file (${messageOf(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${messageOf(error)})`);
  }
}

export function compileRegex(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    throw new UsageError(`${where}: invalid regex ${JSON.stringify(source)} (${messageOf(error)})`);
  }
}


export function compileRule(spec: RuleSpec, where: string): Rule {
  const fail = (why: string): never => {
    throw new UsageError(`${where}: ${why}`);
  };
  if (typeof spec !== 'object' || spec === null) fail('a rule must be an object');
  for (const key of Object.keys(spec)) if (!RULE_KEYS.has(key) && !key.startsWith('$')) fail(`unknown key "${key}"`);
  for (const key of ['id', 'description', 'regex'] as const) if (typeof spec[key] !== 'string' || !spec[key]) fail(`"${key}" must be a non-empty string`);
  if (!SEVERITIES.includes(spec.severity)) fail(`"severity" must be one of ${SEVERITIES.join(', ')}`);
  const flags = spec.flags ?? '';
  if (/[^imsu]/.test(flags)) fail(`"flags" may hold only i, m, s and u (got ${JSON.stringify(flags)})`);
  const regex = compileRegex(spec.regex, `${flags}gd`, where);
  const groups = new RegExp(`${spec.regex}|`, flags).exec('')!.length - 1;
  const secretGroup = spec.secretGroup ?? (groups > 0 ? 1 : 0);
  if (!Number.isInteger(secretGroup) || secretGroup < 0 || secretGroup > groups) fail(`"secretGroup" ${secretGroup} is not a group of the regex (it has ${groups})`);
  const keywords = spec.keywords ?? [];
  if (!Array.isArray(keywords) || keywords.some((k) => typeof k !== 'string' || !k)) fail('"keywords" must be a list of non-empty strings');
  if (spec.prefix !== undefined && (typeof spec.prefix !== 'string' || !spec.prefix)) fail('"prefix" must be a non-empty string');
  if (spec.credential !== undefined && !CREDENTIAL_PARTS.includes(spec.credential)) fail(`"credential" must be one of ${CREDENTIAL_PARTS.join(', ')}`);
  const steps = spec.steps ?? [];
  if (!Array.isArray(steps) || steps.some((step) => !Array.isArray(step?.do) || step.do.some((line) => typeof line !== 'string') || (step.when !== undefined && typeof step.when !== 'string'))) {
    fail('"steps" must be a list of { "when": regex, "do": [ command, … ] }');
  }
  const context = spec.context;
  if (context !== undefined) {
    for (const key of Object.keys(context)) if (!CONTEXT_KEYS.has(key)) fail(`unknown key "context.${key}"`);
    for (const key of ['pairWindow', 'keywordLinesAbove'] as const) {
      const lines = context[key];
      if (lines !== undefined && (!Number.isInteger(lines) || lines < 0)) fail(`"context.${key}" must be a whole number of lines`);
    }
  }
  return {
    id: spec.id,
    description: spec.description,
    severity: spec.severity,
    regex,
    secretGroup,
    keywords,
    context: context
      ? {
          lineKeywords: (context.lineKeywords ?? []).map(normalizeForKeywords),
          pairWith: new Set(context.pairWith ?? []),
          pairWindow: context.pairWindow ?? 3,
          keywordLinesAbove: context.keywordLinesAbove ?? 0,
          standalone: context.standalone ? compileRegex(context.standalone, '', where) : null,
        }
      : null,
    entropy: spec.entropy ?? 0,
    allowed: (spec.allowed ?? []).map((source) => compileRegex(source, '', where)),
    prefix: spec.prefix ? compileRegex(`^(?:${spec.prefix})`, '', where) : null,
    filterPlaceholders: true,
    remediation: spec.remediation ?? DEFAULT_REMEDIATION,
    credential: spec.credential ?? null,
    steps: steps.map((step) => ({ when: step.when ? compileRegex(step.when, '', where) : null, do: step.do })),
  };
}

/** The rules of one patterns file: `{ "rules": [ … ] }`. */
export function loadRuleFile(file: string, doc = readJson(file) as { rules?: unknown }): Rule[] {
  if (!Array.isArray(doc?.rules)) throw new UsageError(`${file}: expected { "rules": [ … ] }`);
  return doc.rules.map((spec, index) => compileRule(spec as RuleSpec, `${file}: rule ${index + 1}${typeof (spec as RuleSpec)?.id === 'string' ? ` (${(spec as RuleSpec).id})` : ''}`));
}

/** The values every rule accepts: `{ "allowed": [ { "regex": …, "why": … } ] }`. */
function loadAllowedFile(file: string, doc: { allowed?: unknown }): RegExp[] {
  if (!Array.isArray(doc?.allowed)) throw new UsageError(`${file}: expected { "allowed": [ … ] }`);
  return doc.allowed.map((entry, index) => {
    const source = (entry as { regex?: unknown })?.regex;
    if (typeof source !== 'string') throw new UsageError(`${file}: allowed entry ${index + 1} needs a "regex" string`);
    return compileRegex(source, '', `${file}: allowed entry ${index + 1}`);
  });
}

/**
 * The built-in rules (every patterns/*.json holding "rules") and allowed values (those holding "allowed"),
 * from `dir`. Rule ids must be unique, and pairWith must name a rule that exists.
 */
let builtinRuleIds: readonly string[] | undefined;

/**
 * The rule ids an allowlist's `rule=` may name: the built-in ones, and those of the rules git configuration
 * adds (whose ids hash a pattern or value, so any well-formed one is taken).
 */
export const knownRuleIds: RuleIds = {
  builtin: () => (builtinRuleIds ??= loadRuleSet().rules.map((rule) => rule.id)),
  has: (id) => knownRuleIds.builtin().includes(id) || CONFIGURED_RULE_ID.test(id),
};

export function loadRuleSet(dir = BUILTIN_PATTERNS_DIR): RuleSet {
  const rules: Rule[] = [];
  const allowed: RegExp[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const doc = readJson(file) as Record<string, unknown>;
    if ('rules' in doc) rules.push(...loadRuleFile(file, doc));
    if ('allowed' in doc) allowed.push(...loadAllowedFile(file, doc));
  }
  const ids = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.id)) throw new UsageError(`rule id "${rule.id}" is defined twice`);
    ids.add(rule.id);
  }
  for (const rule of rules) {
    for (const other of rule.context?.pairWith ?? []) {
      if (!ids.has(other)) throw new UsageError(`rule "${rule.id}": pairWith names unknown rule "${other}"`);
    }
  }
  return { rules, allowed };
}
