import { writtenForms } from './secret-mask.js';
import type { Reporter } from './types.js';

/** What each secret becomes in the rewritten history. */
export const REMOVED = '***REMOVED***';

/**
 * The list `git filter-repo --replace-text FILE` reads: every form each found secret can be written in (as is,
 * base64 at any alignment, URL-encoded), a line each, longest first so that a longer form is replaced before
 * a shorter one inside it. Secrets in clear, so writeReport allows it only with --no-mask into a 0600 file.
 */
export const replacementsReporter: Reporter = (findings) => {
  const forms = new Set<string>();
  for (const finding of findings) for (const form of writtenForms(finding.secret)) forms.add(form);
  const lines = [...forms].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map((form) => `${form}==>${REMOVED}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
};
