// The shapes that flow through keyguard, in order: sources produce Fragments, detectors turn them into
// Findings with the Rules that rules/ compiles, filters drop the accepted ones, reporters render what is left.

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Where a piece of text came from; reporters and the fingerprint use it. */
export type SourceKind = 'file' | 'stdin' | 'staged' | 'commit-msg' | 'history' | 'range';

/**
 * How findings name a commit message, wherever it is read (the commit-msg hook's file, history, a range): one
 * name, so one finding has one fingerprint at every stage and one allow covers it everywhere.
 */
export const MESSAGE_FILE = '(commit message)';

/**
 * How findings name a commit object's header (its tree, parents, author, committer, signature and any other
 * header line, as `git cat-file commit` prints them: line 1 is `tree`), reported as a commit message is: the
 * log a history scan reads prints none of it but the author's name and email, and a crafted object can carry
 * any header line. An annotated tag's header is `(tag NAME header)`: both end in HEADER_SUFFIX.
 */
export const HEADER_SUFFIX = ' header)';
export const HEADER_FILE = `(commit${HEADER_SUFFIX}`;

export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  /** ISO 8601 author date */
  date: string;
}

/**
 * A run of consecutive lines of one file (or message), as a source read it.
 * `text` holds whole lines joined by '\n'; its first line is line `line` of `file`, starting at column
 * `column` (1-based; >1 only when a source splits one very long line into pieces).
 * Only matches that start inside [reportStart, reportEnd) are reported: the text outside is context that a
 * neighbouring fragment reports, kept so that pairing rules and very long lines see across the seam.
 */
export interface Fragment {
  file: string;
  line: number;
  column?: number;
  text: string;
  reportStart?: number;
  reportEnd?: number;
  source: SourceKind;
  /** null for working-tree and staged content */
  commit?: CommitInfo | null;
  /** true when the text is a commit message (or a commit's header: HEADER_FILE) rather than file content */
  message?: boolean;
  /** true when the text is the file's path rather than its content (sources/names.ts) */
  name?: boolean;
  /**
   * true when each line of the text begins with a carriage return that is not part of it: git's mark for an
   * added line (sources/diff.ts), kept because stripping it would copy the text
   */
  markedLines?: boolean;
  /**
   * new-file numbers of lines that are there for context only (the unchanged line above a change, where a
   * value's name stands): rules read them, nothing on them is reported
   */
  quietLines?: ReadonlySet<number>;
}

/**
 * What a source yields: fragments one by one, or in batches. A history yields one batch per chunk of git's
 * output: each yield is an await in every layer it passes through, and a history holds ~10⁵ fragments.
 */
export type FragmentOrBatch = Fragment | readonly Fragment[];

export interface Finding {
  ruleId: string;
  description: string;
  severity: Severity;
  /** repository-relative path inside a repository, else as given; a message scan names the message file */
  file: string;
  line: number;
  /** 1-based, in UTF-16 code units like every editor's column */
  column: number;
  /** 1-based, exclusive */
  endColumn: number;
  /** the secret in clear: never rendered unless the user asked for --no-mask */
  secret: string;
  /** the whole line the secret stands on, in clear (for inline allows and the text report) */
  lineText: string;
  /** stable across runs and line moves: derived from rule, file and secret only */
  fingerprint: string;
  commit: CommitInfo | null;
  source: SourceKind;
  message?: boolean;
  /** the secret stands in the file's path (`file`, at `column`), not in its content */
  name?: boolean;
  /** set when the secret was found inside a base64- or URL-encoded value */
  decoded?: 'base64' | 'url';
  /** another secret stands on the same line: an inline allow comment there allows neither */
  sharesLine?: boolean;
  /** history scans: how many commits carried this secret at this place (first one is `commit`) */
  commits?: number;
  /** after a leak: whose credential this is and what to run about it (src/respond) */
  response?: LeakResponse;
}

/** What STS said of a key pair under --verify. */
export interface Verification {
  /** active: STS knows the pair; invalid: it does not (an unknown or revoked key, a wrong secret); error: no answer */
  status: 'active' | 'invalid' | 'error';
  account?: string;
  arn?: string;
  /** the IAM user or role the ARN names */
  user?: string;
  role?: string;
  /** why invalid or error, as STS or the network said it */
  reason?: string;
}

export interface LeakResponse {
  /** the AWS account the key ID encodes (key IDs issued since 2019) */
  account?: string;
  /** the repository's name for that account (.keyguard.json "accounts"); null: not one of its accounts */
  accountName?: string | null;
  /** the key ID this finding's credential goes by, in clear (reporters mask it) */
  keyId?: string;
  verification?: Verification;
  /** remediation command templates (report/steps.ts fills them) */
  steps: string[];
}

/** What a scan looked at, for the summary line and the reports. */
export interface ScanStats {
  /** text files (or blobs, or stdin) read; counted by sources/files.ts textOf */
  files: number;
  bytes: number;
  binarySkipped: number;
  commits: number;
  /** notes for the user that are not findings: "shallow clone", "empty repository", … */
  notes: string[];
}

export function emptyStats(): ScanStats {
  return { files: 0, bytes: 0, binarySkipped: 0, commits: 0, notes: [] };
}

/** A rule ready to run: regexes compiled, defaults filled in. */
export interface Rule {
  id: string;
  description: string;
  severity: Severity;
  /** global, with indices (flag d) so the secret's capture group can be located */
  regex: RegExp;
  secretGroup: number;
  /** as written: see keywordAnyCase */
  keywords: string[];
  /** null when a match needs no context */
  context: {
    lineKeywords: string[];
    pairWith: Set<string>;
    pairWindow: number;
    /** how many lines above the secret's may hold a line keyword instead (a name on one line, its value on the next) */
    keywordLinesAbove: number;
    standalone: RegExp | null;
  } | null;
  entropy: number;
  allowed: RegExp[];
  /** the fixed start of every value (`AKIA`), anchored: a value is judged hand-made by what follows it */
  prefix: RegExp | null;
  /**
   * whether the built-in example and placeholder filters (patterns/allowed.json, hand-made values) apply;
   * false for the user's own patterns and values, which say exactly what they prohibit
   */
  filterPlaceholders: boolean;
  remediation: string;
  /** which part of an AWS credential the rule finds: pairs them for --verify, and key IDs carry their account */
  credential: 'key-id' | 'secret' | 'session-token' | null;
  /** remediation commands, the first whose `when` matches the key ID (or the secret) applying */
  steps: Array<{ when: RegExp | null; do: string[] }>;
}

/** Which rule ids exist, for checking a name a user wrote (an allowlist's `rule=`). */
export interface RuleIds {
  has(id: string): boolean;
  /** the built-in rules' ids, for the error that lists them */
  builtin(): readonly string[];
}

export interface RuleSet {
  rules: Rule[];
  /** values no rule reports (documented examples, placeholders), matched against the secret alone */
  allowed: RegExp[];
}

/**
 * How a keyword is matched: one written in lowercase matches in any case (`secret`: `SECRET_KEY`,
 * `secretKey`), one written with a capital matches exactly (`AKIA`, the start of every access key ID).
 */
export const keywordAnyCase = (keyword: string) => keyword === keyword.toLowerCase();

/** Drops accepted findings: an allowlist entry, an inline allow comment, a baseline entry. */
export interface Filter {
  /** names the mechanism in notes and debug output, e.g. "allowlist .keyguardallow" */
  name: string;
  /** false drops the finding */
  keep(finding: Finding): boolean;
}

/** `AKIA************WXYZ`: enough to recognise a key in IAM, not enough to use it. */
export function maskSecret(secret: string): string {
  const keep = secret.length >= 20 ? 4 : secret.length >= 12 ? 2 : 0;
  const hidden = Math.min(secret.length - 2 * keep, 32);
  return secret.slice(0, keep) + '*'.repeat(hidden) + (keep ? secret.slice(-keep) : '');
}
