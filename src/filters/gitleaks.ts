// What a team moving from gitleaks already has: a .gitleaksignore of fingerprints, and a gitleaks JSON report
// used as its baseline. gitleaks names a finding by place, `commit:file:rule:line` (`file:rule:line` outside
// history); its rule ids are not keyguard's, so a place accepts whatever keyguard finds there.
import { UsageError } from '../errors.js';
import type { Filter, Finding } from '../types.js';

export const GITLEAKSIGNORE_FILE = '.gitleaksignore';

/** A place gitleaks accepted a finding at: the line of a file, in one commit or (no commit) in any. */
interface Place {
  commit?: string;
  file: string;
  line: number;
}

/** `commit:file:rule:line` or `file:rule:line`, read from the right: a file name may hold colons. */
function placeOf(fingerprint: string): Place | null {
  const parts = fingerprint.split(':');
  if (parts.length < 3 || !/^\d+$/.test(parts[parts.length - 1])) return null;
  const line = Number(parts.pop());
  parts.pop(); // gitleaks' rule id
  const commit = parts.length > 1 && /^[0-9a-f]{7,40}$/.test(parts[0]) ? parts.shift() : undefined;
  return { commit, file: parts.join(':'), line };
}

/** The places of a .gitleaksignore: a fingerprint a line, `#` comments and blank lines skipped. */
export function gitleaksIgnorePlaces(text: string, name: string): Place[] {
  const places: Place[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const place = placeOf(line);
    if (!place) throw new UsageError(`${name}:${index + 1}: not a gitleaks fingerprint (commit:file:rule:line or file:rule:line)`);
    places.push(place);
  });
  return places;
}

/** The places of a gitleaks JSON report (`gitleaks … --report-format json`), or null when `doc` is not one. */
export function gitleaksReportPlaces(doc: unknown): Place[] | null {
  if (!Array.isArray(doc) || !doc.every((entry) => typeof entry?.File === 'string' && Number.isInteger(entry?.StartLine))) return null;
  return doc.map((entry: { File: string; StartLine: number; Commit?: string }) => ({ file: entry.File, line: entry.StartLine, commit: entry.Commit || undefined }));
}

/** Accepts the findings at any of the places. */
export function gitleaksPlaceFilter(places: readonly Place[], name: string): Filter {
  const anyCommit = new Set<string>();
  const inCommit: Array<{ commit: string; key: string }> = [];
  for (const place of places) {
    const key = `${place.file}\0${place.line}`;
    if (place.commit) inCommit.push({ commit: place.commit, key });
    else anyCommit.add(key);
  }
  const byKey = new Map<string, string[]>();
  for (const { commit, key } of inCommit) byKey.set(key, [...(byKey.get(key) ?? []), commit]);
  const accepted = (finding: Finding) => {
    const key = `${finding.file}\0${finding.line}`;
    if (anyCommit.has(key)) return true;
    const sha = finding.commit?.sha;
    return Boolean(sha && byKey.get(key)?.some((commit) => sha.startsWith(commit)));
  };
  return { name, keep: (finding) => !accepted(finding) };
}
