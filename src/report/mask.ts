import { type Finding, maskSecret } from '../types.js';
import { redactSecrets } from './redact.js';
import { SecretMask } from './secret-mask.js';

/** What a reporter shows of scanned text: lines and notes with every found secret masked, or as they are. */
export interface ReportMask {
  /** the finding's line */
  line(finding: Finding): string;
  /** any other text that comes from what was scanned (notes, messages) */
  text(text: string): string;
}

const placeOf = (finding: Finding) => `${finding.commit?.sha ?? ''}\0${finding.file}\0${finding.line}`;

/**
 * The one masking every reporter uses: each secret of the report is masked wherever it stands in any shown
 * line, in every form it is written (see SecretMask), not only on its own finding's line, since a history scan
 * reports a key once and shows the other lines it stands on as other findings' lines. A decoded finding's
 * encoded token is masked whole on its own line too.
 */
export function reportMask(findings: readonly Finding[], mask: boolean): ReportMask {
  if (!mask) return { line: (finding) => finding.lineText, text: (text) => text };
  const secrets = new SecretMask(findings.map((finding) => finding.secret));
  const encodedSpans = new Map<string, Array<[number, number]>>();
  for (const finding of findings) {
    if (!finding.decoded) continue;
    const span: [number, number] = [finding.column - 1, finding.endColumn - 1];
    const same = encodedSpans.get(placeOf(finding));
    if (same) same.push(span);
    else encodedSpans.set(placeOf(finding), [span]);
  }
  // Then whatever a rule would call a secret without its context: a key the filters accepted (a baseline entry, an
  // inline allow) on a line shown for another finding is still a key.
  const masked = (text: string, spans?: Array<[number, number]>) => redactSecrets(secrets.apply(text, spans));
  // Findings on one line share its masked form: a long minified line can hold hundreds of them.
  const byPlace = new Map<string, { lineText: string; shown: string }>();
  return {
    line: (finding) => {
      const place = placeOf(finding);
      const known = byPlace.get(place);
      if (known?.lineText === finding.lineText) return known.shown;
      const shown = masked(finding.lineText, encodedSpans.get(place));
      byPlace.set(place, { lineText: finding.lineText, shown });
      return shown;
    },
    text: (text) => masked(text),
  };
}

/** What reports show of the secret. */
export function shownSecret(finding: Finding, mask: boolean): string {
  return mask ? maskSecret(finding.secret) : finding.secret;
}

const SHOWN_LINE = 160;

/**
 * A long line cut down to a window around the secret: a minified line can be megabytes and hold thousands of
 * findings, and a report that repeats it whole per finding outgrows any string (SARIF, JUnit) or any terminal.
 */
export function excerpt(line: string, column: number): string {
  const start = line.length <= SHOWN_LINE ? 0 : Math.max(0, Math.min(column - 1 - SHOWN_LINE / 4, line.length - SHOWN_LINE));
  const end = start + SHOWN_LINE;
  // Cut first, then tidy: the work is the window's, however long the line.
  const window = line.slice(start, end).replace(/\t/g, ' ');
  return `${start > 0 ? '…' : ''}${end < line.length ? window : window.trimEnd()}${end < line.length ? '…' : ''}`;
}
