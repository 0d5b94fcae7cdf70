import type { Finding } from '../types.js';

/** Drops accepted findings: an allowlist entry, an inline allow comment, a baseline entry. */
export interface Filter {
  /** names the mechanism in notes and debug output, e.g. "allowlist .keyguardallow" */
  name: string;
  /** false drops the finding */
  keep(finding: Finding): boolean;
}
