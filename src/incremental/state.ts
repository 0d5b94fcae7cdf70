// The state of `scan-history --incremental`: which history was scanned and which of its commits held
// anything, so the next run reads only new commits and re-reads those. It holds commit ids and a key, no
// finding: a finding's secret is re-read from its commit each run (the repository holds it anyway), so the
// state has no secret to leak, not even hashed, and a changed allowlist or baseline applies at once.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { messageOf } from '../errors.js';
import { gitOutput } from '../git/repo.js';
import type { RuleSet } from '../types.js';

const FORMAT = 'keyguard-history-state/1';
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export interface HistoryState {
  /** what the stored commits were scanned with (stateKey): another key means a full scan */
  key: string;
  /** the heads of the history scanned: every commit they reach was scanned */
  tips: string[];
  /** its root commits: how a state from another repository is told from one whose tips were rewritten */
  roots: string[];
  /** the scanned commits that held a finding, or deleted a line holding one (see recorder.ts) */
  commits: string[];
}

/** Where the state lives unless --state says: inside the repository's git directory, never its work tree. */
export function defaultStatePath(cwd: string): string {
  const path = gitOutput(['rev-parse', '--git-path', 'keyguard/history-state.json'], cwd);
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
  return createHash('sha256').update(JSON.stringify({ version, rules: ruleSet, revisions }, plain)).digest('hex');
}

const isShaList = (value: unknown): value is string[] => Array.isArray(value) && value.every((sha) => typeof sha === 'string' && SHA.test(sha));

/**
 * The state at `path`: null when there is none yet, or when it cannot be used (then `warn` says why, in one
 * line, and the caller scans the whole history).
 */
export function readState(path: string, warn: (message: string) => void): HistoryState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`${path}: cannot read the history state (${messageOf(error)}); scanning the whole history`);
    return null;
  }
  let doc: { format?: unknown; key?: unknown; tips?: unknown; roots?: unknown; commits?: unknown } | null;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = null;
  }
  if (doc?.format !== FORMAT || typeof doc.key !== 'string' || !isShaList(doc.tips) || !isShaList(doc.roots) || !isShaList(doc.commits)) {
    warn(`${path}: not a keyguard history state (corrupt, or another tool's file); scanning the whole history`);
    return null;
  }
  return { key: doc.key, tips: doc.tips, roots: doc.roots, commits: doc.commits };
}

/** Writes the state whole or not at all (a temporary file renamed over it), readable by its owner only. */
export function writeState(path: string, state: HistoryState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify({ format: FORMAT, ...state })}\n`, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
