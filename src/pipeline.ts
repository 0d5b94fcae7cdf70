import type { Detector } from './detect/engine.js';
import type { Filter } from './filters/types.js';
import type { Finding, Fragment } from './types.js';

/** sources → detector → filters: the findings of a stream of fragments that no filter accepted. */
export async function collectFindings(fragments: AsyncIterable<Fragment>, detector: Detector, filters: readonly Filter[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for await (const fragment of fragments) {
    for (const finding of detector.detect(fragment)) {
      if (filters.every((filter) => filter.keep(finding))) findings.push(finding);
    }
  }
  return findings;
}
