// A baseline records the findings a repository already had when it adopted keyguard, so that scans report
// only new ones. It holds no secret: each finding's fingerprint (rule, file and secret, hashed), its rule and
// file for the reader, and a masked preview. No line numbers, so it stays the same when unrelated lines move;
// entries are sorted and one to a line, so a change to it reads well in review.
import { UsageError, messageOf } from '../errors.js';
import { type Filter, type Finding, maskSecret } from '../types.js';

export const DEFAULT_BASELINE_FILE = '.keyguard-baseline.json';
export const BASELINE_FORMAT = 'keyguard-baseline/1';

interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
  preview: string;
}

/** The baseline file's text for these findings: one entry per fingerprint, sorted by file, rule, fingerprint. */
export function baselineDocument(findings: readonly Finding[]): string {
  const entries = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    entries.set(finding.fingerprint, { fingerprint: finding.fingerprint, rule: finding.ruleId, file: finding.file, preview: maskSecret(finding.secret) });
  }
  // Code-unit order, not the locale's: the same file on every machine.
  const order = (entry: BaselineEntry) => `${entry.file}\0${entry.rule}\0${entry.fingerprint}`;
  const sorted = [...entries.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const lines = sorted.map((entry) => `    ${JSON.stringify(entry)}`);
  return `{\n  "format": "${BASELINE_FORMAT}",\n  "findings": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}

/** The fingerprints a baseline file records. `file` names it in errors. */
export function parseBaseline(text: string, file: string): Set<string> {
  let doc: { format?: unknown; findings?: Array<{ fingerprint?: unknown }> };
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not a keyguard baseline (${messageOf(error)})`);
  }
  if (doc?.format !== BASELINE_FORMAT || !Array.isArray(doc.findings)) throw new UsageError(`${file}: not a keyguard baseline (expected "format": "${BASELINE_FORMAT}"; make one with keyguard baseline create)`);
  return new Set(
    doc.findings.map((entry, index) => {
      if (typeof entry?.fingerprint !== 'string') throw new UsageError(`${file}: finding ${index + 1} has no "fingerprint"`);
      return entry.fingerprint;
    }),
  );
}

export function baselineFilter(fingerprints: ReadonlySet<string>, file: string): Filter {
  return { name: `baseline ${file}`, keep: (finding) => !fingerprints.has(finding.fingerprint) };
}
