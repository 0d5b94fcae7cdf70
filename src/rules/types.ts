import type { Severity } from '../types.js';

/** A rule as written in patterns/*.json. */
export interface RuleSpec {
  id: string;
  description: string;
  severity: Severity;
  regex: string;
  flags?: string;
  secretGroup?: number;
  keywords?: string[];
  context?: {
    lineKeywords?: string[];
    pairWith?: string[];
    pairWindow?: number;
    standalone?: string;
  };
  entropy?: number;
  allowed?: string[];
  remediation?: string;
}

/** A rule ready to run: regexes compiled, defaults filled in. */
export interface Rule {
  id: string;
  description: string;
  severity: Severity;
  /** global, with indices (flag d) so the secret's capture group can be located */
  regex: RegExp;
  secretGroup: number;
  /** as written: see keywordAnyCase */
  keywords: string[];
  /** null when a match needs no context */
  context: {
    lineKeywords: string[];
    pairWith: Set<string>;
    pairWindow: number;
    standalone: RegExp | null;
  } | null;
  entropy: number;
  allowed: RegExp[];
  remediation: string;
}

export interface RuleSet {
  rules: Rule[];
  /** values no rule reports (documented examples, placeholders), matched against the secret alone */
  allowed: RegExp[];
}

/**
 * How a keyword is matched: one written in lowercase matches in any case (`secret`: `SECRET_KEY`,
 * `secretKey`), one written with a capital matches exactly (`AKIA`, the start of every access key ID).
 */
export const keywordAnyCase = (keyword: string) => keyword === keyword.toLowerCase();
