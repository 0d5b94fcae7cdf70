import { UsageError } from '../errors.js';
import type { Fragment, ScanStats } from '../types.js';

export interface StagedOptions {
  cwd: string;
  /** --index: whole staged files instead of added lines */
  wholeFiles: boolean;
  contextLines: number;
  stats: ScanStats;
}

/** The lines the next commit adds, read from the index. (Issue 3 builds this.) */
// eslint-disable-next-line require-yield
export async function* stagedFragments(_options: StagedOptions): AsyncGenerator<Fragment> {
  throw new UsageError('scan --staged is not built yet');
}
