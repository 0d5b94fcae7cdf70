// The state of `scan-history --incremental`: which history was scanned and which of its commits and annotated
// tags held anything, so the next run reads only new commits and re-reads those. It holds object ids and a key, no
// finding: a finding's secret is re-read from its commit each run (the repository holds it anyway), so the
// state has no secret to leak, not even hashed, and a changed allowlist or baseline applies at once.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { messageOf } from '../errors.js';
import { gitOutputLater, walkStartArgs } from '../git/repo.js';
import { replaceableBy } from '../own-files.js';
import { sha256Hex } from '../sha256.js';
import type { RuleSet } from '../types.js';

const FORMAT = 'keyguard-history-state/1';
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export interface HistoryState {
  /** what the stored commits were scanned with (stateKey): another key means a full scan */
  key: string;
  /**
   * what git's walk started from (walkKey): when it is unchanged, so is the history, and `length` and
   * `positions` stand for the walk itself
   */
  walk: string | null;
  /** the number of commits scanned */
  length: number;
  /** the heads of the history scanned: every commit they reach was scanned */
  tips: string[];
  /**
   * its commits without a parent, a shallow clone's boundary included: how a state from another repository is
   * told from one whose tips were rewritten, and where the history a deepened clone gained begins
   */
  roots: string[];
  /** the scanned commits that held a finding, or deleted a line holding one (see recorder.ts) */
  commits: string[];
  /** each of `commits`' place in the order a full scan reads the history, oldest first from 0 */
  positions: number[];
  /**
   * the refs naming no commit (annotated tags, blobs, trees) whose content held a finding, as [object id, name
   * the findings give]; the others need no reading while `walk` is unchanged (the refs are those read). null: not recorded.
   */
  tags: Array<[string, string]> | null;
}

/** Where the state lives unless --state says: inside the repository's git directory, never its work tree. */
export async function defaultStatePath(cwd: string): Promise<string> {
  const path = await gitOutputLater(['rev-parse', '--git-path', 'keyguard/history-state.json'], cwd);
  if (path === null) throw new Error('not a git repository');
  return resolve(cwd, path);
}

/**
 * What decides a stored commit list: keyguard's version, every rule (built-in and configured, as compiled),
 * and the revisions scanned. The allowlist, baseline and inline allows are not part of it: they are applied
 * afresh on every run to findings re-read from the commits.
 */
export function stateKey(version: string, ruleSet: RuleSet, revisions: readonly string[]): string {
  const plain = (_key: string, value: unknown) => (value instanceof RegExp ? String(value) : value instanceof Set ? [...value] : value);
  return sha256Hex(JSON.stringify({ version, rules: ruleSet, revisions }, plain));
}

/**
 * What git's walk of `revisions` starts from, in order (HEAD and the refs for --all), as a digest; null in a
 * shallow clone (deepening it changes the history, not the refs) or when git cannot tell.
 */
export async function walkKey(cwd: string, revisions: readonly string[]): Promise<string | null> {
  const starts = await gitOutputLater(walkStartArgs(revisions), cwd);
  return starts?.startsWith('false\n') ? sha256Hex(starts) : null;
}

const isShaList = (value: unknown): value is string[] => Array.isArray(value) && value.every((sha) => typeof sha === 'string' && SHA.test(sha));
const isTagList = (value: unknown): value is Array<[string, string]> =>
  Array.isArray(value) && value.every((tag) => Array.isArray(tag) && tag.length === 2 && SHA.test(tag[0]) && typeof tag[1] === 'string');

/** The state read from a --state path, and whether keyguard may save the new state over that file. */
export interface StoredState {
  /** null when there is none yet, or when it cannot be used (a warning said why) */
  state: HistoryState | null;
  /**
   * false when the file is not keyguard's (a mistyped --state that names someone's file) or cannot be read:
   * keyguard never replaces a file it cannot tell it wrote
   */
  replaceable: boolean;
  /** the file as read, when it holds a usable state: a run that would write the same text writes nothing */
  text?: string;
}

/**
 * The state at `path`. When it cannot be used, `warn` says why in one line and the caller scans the whole
 * history; a file that is not keyguard's is also left as it is.
 */
export function readState(path: string, warn: (message: string) => void): StoredState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing) warn(`${path}: cannot read the history state (${messageOf(error)}); scanning the whole history, and leaving the file as it is`);
    return { state: null, replaceable: missing };
  }
  if (!replaceableBy(text, FORMAT)) {
    warn(`${path}: not a keyguard history state, so it is left as it is (a mistyped --state?); scanning the whole history without saving one`);
    return { state: null, replaceable: false };
  }
  let doc: Partial<Record<keyof HistoryState | 'format', unknown>> | null;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = null;
  }
  const { format, key, walk, length, tips, roots, commits, positions, tags = null } = doc ?? {};
  const isIndex = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) < (length as number);
  if (
    format !== FORMAT ||
    typeof key !== 'string' ||
    (walk !== null && typeof walk !== 'string') ||
    !Number.isInteger(length) ||
    !isShaList(tips) ||
    !isShaList(roots) ||
    !isShaList(commits) ||
    !Array.isArray(positions) ||
    positions.length !== commits.length ||
    !positions.every(isIndex) ||
    (tags !== null && !isTagList(tags))
  ) {
    if (text.trim()) warn(`${path}: a corrupt or unknown keyguard history state; scanning the whole history`);
    return { state: null, replaceable: true };
  }
  return { state: { key, walk, length: length as number, tips, roots, commits, positions, tags }, replaceable: true, text };
}

/**
 * Writes the state whole or not at all (a temporary file renamed over it), readable by its owner only; not at
 * all when the file already says the same (`stored`: its text as read), as after a run with nothing new, where
 * the write and rename were ~10% of the run.
 */
export function writeState(path: string, state: HistoryState, stored?: string): void {
  const text = `${JSON.stringify({ format: FORMAT, ...state })}\n`;
  if (text === stored) return;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
