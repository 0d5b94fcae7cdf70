import type { Detector } from './detect/engine.js';
import type { Filter, Finding, Fragment, FragmentOrBatch } from './types.js';

/**
 * sources → detector → filters: the findings of a stream of fragments that no filter accepted. The filters
 * may still be loading (a promise): then the source starts first (a git process that walks the history
 * before its first byte), and filters that fail to load stop it at its first fragment.
 */
export async function collectFindings(
  fragments: AsyncIterable<FragmentOrBatch> | Iterable<FragmentOrBatch>,
  detector: Detector,
  filters: readonly Filter[] | Promise<readonly Filter[]>,
): Promise<Finding[]> {
  if (filters instanceof Promise) filters.catch(() => {}); // its error is thrown below, not reported as unhandled
  const findings: Finding[] = [];
  let ready: readonly Filter[] | undefined;
  const collect = (fragment: Fragment) => {
    for (const finding of detector.detect(fragment)) {
      if (ready!.every((filter) => filter.keep(finding))) findings.push(finding);
    }
  };
  for await (const item of fragments) {
    ready ??= await filters;
    if (Array.isArray(item)) for (let i = 0; i < item.length; i++) collect(item[i] as Fragment);
    else collect(item as Fragment);
  }
  await filters;
  return findings;
}
