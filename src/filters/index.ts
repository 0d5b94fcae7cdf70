// The filters every scan applies, the pre-commit hook's included: keep this module's imports light (no
// yargs, no simple-git). re2js loads only when a user regex exists (see linear-regex.ts).
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UsageError, messageOf } from '../errors.js';
import { ALLOWLIST_FILE, allowlistFilter, parseAllowlist } from './allowlist.js';
import { baselineFilter, parseBaseline } from './baseline.js';
import { readSecretsConfig } from './git-config.js';
import { GITALLOWED_FILE, gitSecretsAllowedFilter, gitallowedPatterns } from './git-secrets-allowed.js';
import { GITLEAKSIGNORE_FILE, gitleaksIgnorePlaces, gitleaksPlaceFilter, gitleaksReportPlaces } from './gitleaks.js';
import { inlineAllowFilter } from './inline.js';
import { LinearRegex } from './linear-regex.js';
import { knownRuleIds } from '../rules/load.js';
import { decodeText } from '../text-encoding.js';
import type { Filter } from '../types.js';

/**
 * The repository files whose content decides what a scan accepts. The CI gate reads them from the base
 * commit, and tells a reviewer when a change edits one. (A --baseline file is one too, when inside the
 * repository; its name is the caller's.)
 */
export const ALLOW_FILES = [ALLOWLIST_FILE, GITALLOWED_FILE, GITLEAKSIGNORE_FILE] as const;

export interface FilterContext {
  cwd: string;
  /** top of the work tree, or null outside a repository */
  root: string | null;
  /** --baseline FILE, relative to cwd */
  baseline?: string;
  /**
   * Reads a repository file by its path from the top of the repository ('.keyguardallow'), or null when there
   * is none. Default: the work tree under `root` (or `cwd` outside a repository). The CI gate passes one that
   * reads the base commit (`git show BASE:path`), so a pull request cannot allow its own secret: the
   * allowlist, .gitallowed and a baseline inside the repository all come from that commit. git config
   * (secrets.allowed) is no repository file and is read as it is.
   */
  readRepoFile?: (relPath: string) => string | null;
  /**
   * Honour inline allow comments (default true). The CI gate turns them off: it scans only lines the change
   * adds, so an inline allow there is the change approving its own secret.
   */
  inlineAllows?: boolean;
}

/**
 * Why a policy file that is a symbolic link is refused, not followed: a repository can bring `.keyguardallow`
 * as a link to /proc/self/environ or ~/.git-credentials, and the parse errors would print that file's lines to
 * a CI log. In the index or a commit, a link's blob is its target's name, which would be read as entries.
 */
export const symlinkRefusal = (path: string) =>
  new UsageError(`${path} is a symbolic link: keyguard reads allowlists and baselines only as regular files (a link can point out of the repository)`);

/** Reads files below `base` (or at an absolute path) from disk; null when there is none. A symbolic link is an error (symlinkRefusal). */
export function diskReader(base: string): (path: string) => string | null {
  return (path) => {
    try {
      const absolute = resolve(base, path);
      if (lstatSync(absolute, { throwIfNoEntry: false })?.isSymbolicLink()) throw symlinkRefusal(path);
      return decodeText(readFileSync(absolute)); // UTF-16 too: what PowerShell 5.1's `>` writes
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw new UsageError(`${path}: cannot read (${messageOf(error)})`);
    }
  };
}

/**
 * An absolute path's place from the top of the repository ('ci/baseline.json'), or null outside it. Compared
 * as real paths, not as text: through a symlinked workspace (macOS /tmp is /private/tmp) the checkout's own
 * baseline would count as outside and be read from disk, where a pull request writes it. Only the folders
 * above the work tree are resolved, outermost first: below it the path is taken as written, so a folder the
 * change turns into a link out of the repository cannot move its baseline out of the gate's reach. The file
 * itself need not exist (a baseline the change adds is absent at the base).
 */
function repoPathOf(root: string, absolute: string): string | null {
  const realRoot = realPathOrNull(root) ?? root;
  const folders: string[] = [];
  for (let folder = dirname(absolute); !folders.includes(folder); folder = dirname(folder)) folders.unshift(folder);
  for (const folder of folders) {
    if (folder === root || realPathOrNull(folder) === realRoot) return relative(folder, absolute).split('\\').join('/');
  }
  return null;
}

function realPathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null; // absent or unreadable: no real path to compare
  }
}

/**
 * The baseline's filter: a keyguard baseline's fingerprints, or the places of a gitleaks JSON report. Inside
 * the repository it is read like the allowlist (from the base commit under the CI gate, where a baseline the
 * change itself adds counts as empty); outside it, from disk.
 */
function baselineFilterOf(context: FilterContext, baseline: string): Filter {
  const repoPath = context.root === null ? null : repoPathOf(context.root, resolve(context.cwd, baseline));
  const inGate = repoPath !== null && context.readRepoFile !== undefined;
  const text = inGate ? context.readRepoFile!(repoPath) : diskReader(context.cwd)(baseline);
  if (text === null && inGate) return baselineFilter(new Set(), baseline);
  if (text === null) throw new UsageError(`--baseline ${baseline}: no such file (keyguard baseline create writes one)`);
  let places: ReturnType<typeof gitleaksReportPlaces> = null;
  try {
    places = gitleaksReportPlaces(JSON.parse(text));
  } catch {
    // not JSON: parseBaseline says so
  }
  return places ? gitleaksPlaceFilter(places, `gitleaks report ${baseline}`) : baselineFilter(parseBaseline(text, baseline), baseline);
}

/** The filters every scan applies, cheapest first: inline allows, the allowlist, git-secrets' allowed patterns, the baseline. */
export async function loadFilters(context: FilterContext): Promise<Filter[]> {
  const read = context.readRepoFile ?? diskReader(context.root ?? context.cwd);
  const filters: Filter[] = context.inlineAllows === false ? [] : [inlineAllowFilter];

  const allowlist = read(ALLOWLIST_FILE);
  const entries = allowlist === null ? [] : parseAllowlist(allowlist, ALLOWLIST_FILE, knownRuleIds);
  if (entries.length) filters.push(allowlistFilter(entries, ALLOWLIST_FILE));

  const gitallowed = read(GITALLOWED_FILE);
  const allowed = [
    // A blank pattern would allow everything (git-secrets' grep -Ev '' drops every line): ignored.
    ...readSecretsConfig(context.cwd)['secrets.allowed'].filter((pattern) => pattern.trim()).map((pattern) => new LinearRegex(pattern, 'git config secrets.allowed')),
    ...(gitallowed === null ? [] : gitallowedPatterns(gitallowed)).map(({ pattern, line }) => new LinearRegex(pattern, `${GITALLOWED_FILE}:${line}`)),
  ];
  if (allowed.length) filters.push(gitSecretsAllowedFilter(allowed));

  const gitleaksIgnore = read(GITLEAKSIGNORE_FILE);
  if (gitleaksIgnore !== null) filters.push(gitleaksPlaceFilter(gitleaksIgnorePlaces(gitleaksIgnore, GITLEAKSIGNORE_FILE), GITLEAKSIGNORE_FILE));

  if (context.baseline !== undefined) filters.push(baselineFilterOf(context, context.baseline));
  return filters;
}
