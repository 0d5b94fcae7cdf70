import type { Filter } from './types.js';

export interface FilterContext {
  cwd: string;
  /** top of the work tree, or null outside a repository */
  root: string | null;
  /** --baseline FILE */
  baseline?: string;
}

/** The filters every scan applies, in order. */
export async function loadFilters(_context: FilterContext): Promise<Filter[]> {
  return [];
}
