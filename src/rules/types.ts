import type { Severity } from '../types.js';

/** A rule as written in patterns/*.json; compiled by load.ts into a Rule (src/types.ts). */
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
    keywordLinesAbove?: number;
    standalone?: string;
  };
  entropy?: number;
  allowed?: string[];
  prefix?: string;
  remediation?: string;
  credential?: 'key-id' | 'secret' | 'session-token';
  steps?: Array<{ when?: string; do: string[] }>;
}
