// scan-history --incremental: a full history report that reads only what the last run did not.
import { resolve } from 'node:path';
import type { Detector } from '../detect/engine.js';
import type { Filter } from '../filters/types.js';
import { gitStream, records } from '../git/stream.js';
import { packageInfo } from '../package-files.js';
import { collectFindings } from '../pipeline.js';
import type { RuleSet } from '../types.js';
import { historyFragments } from '../sources/history.js';
import type { Finding, ScanStats } from '../types.js';
import { HistoryRecorder } from './recorder.js';
import { defaultStatePath, type HistoryState, readState, stateKey, writeState } from './state.js';

export interface IncrementalOptions {
  cwd: string;
  /** git rev-list revisions naming the history: ['--all'], ['main', '^v1.0'] (no other log options) */
  revisions: string[];
  /** the state file (--state FILE, relative to cwd); default: keyguard/history-state.json in the git directory */
  statePath?: string;
  ruleSet: RuleSet;
  detector: Detector;
  stats: ScanStats;
  /** every filter but HistoryDedupe (the replay adds it), possibly still loading */
  filters: Promise<readonly Filter[]>;
  /** one line for the user, on stderr: why the state was not used, or could not be saved */
  warn: (line: string) => void;
}

/** Above this many commits to read by id, one walk of the history costs less than naming them all to git. */
const MAX_LISTED = 20_000;

/** The history as a full scan reads it (oldest first, topological), its heads and its roots. */
async function historyGraph(cwd: string, revisions: string[]): Promise<{ order: string[]; heads: string[]; roots: string[] }> {
  const order: string[] = [];
  const parents = new Set<string>();
  const roots: string[] = [];
  for await (const line of records(gitStream(['rev-list', '--reverse', '--topo-order', '--parents', ...revisions], { cwd }), 10)) {
    const [sha, ...parentShas] = line.split(' ');
    order.push(sha);
    if (parentShas.length === 0) roots.push(sha);
    for (const parent of parentShas) parents.add(parent);
  }
  return { order, heads: order.filter((sha) => !parents.has(sha)), roots };
}

async function revList(cwd: string, args: string[]): Promise<string[]> {
  const shas: string[] = [];
  for await (const sha of records(gitStream(['rev-list', ...args], { cwd }), 10)) shas.push(sha);
  return shas;
}

/**
 * The revisions of the one git log stream this run reads: the whole history without a usable state, else the
 * new commits and the old ones that held something (re-read for their findings, which the state does not
 * keep), named in the order a full scan reads them; null when there is nothing to read.
 */
async function streamRevisions(options: IncrementalOptions, state: HistoryState | null, order: readonly string[]): Promise<string[] | null> {
  const { cwd, revisions, stats } = options;
  if (state === null) return revisions;
  const fresh = new Set(await revList(cwd, ['--ignore-missing', ...revisions, ...state.tips.map((tip) => `^${tip}`)]));
  const stored = new Set(state.commits);
  const listed = order.filter((sha) => fresh.has(sha) || stored.has(sha));
  const reread = listed.length - fresh.size;
  stats.notes.push(`incremental: ${fresh.size} new commit${fresh.size === 1 ? '' : 's'} scanned, ${reread} re-read for what they held`);
  if (listed.length === 0) return null;
  if (listed.length > MAX_LISTED || listed.length > order.length / 2) return revisions;
  // --no-walk=unsorted keeps the order given, and historyFragments reads it --reverse: newest first here.
  return ['--no-walk=unsorted', ...listed.reverse()];
}

/** The stored state if it was made for this key and this repository, else null (and the reason said). */
function usableState(options: IncrementalOptions, path: string, key: string, order: readonly string[]): HistoryState | null {
  const state = readState(path, (line) => options.warn(`warning: ${line}`));
  if (state === null) return null;
  if (state.key !== key) {
    options.warn(`note: ${path} was made by another keyguard version, rule set or choice of revisions; scanning the whole history`);
    return null;
  }
  const present = new Set(order);
  if (order.length && state.roots.length && ![...state.roots, ...state.tips].some((sha) => present.has(sha))) {
    options.warn(`warning: ${path}: none of its commits is in this history (another repository's state?); scanning the whole history`);
    return null;
  }
  return state;
}

/**
 * The findings a full scan of `revisions` reports (same commits, same `commits` counts, same order), reading
 * only the commits the state does not cover and those that held something; then saves the new state. A state
 * that cannot be used means a full scan and a one-line warning, never an error.
 */
export async function incrementalFindings(options: IncrementalOptions): Promise<Finding[]> {
  const { cwd, detector, stats } = options;
  const path = options.statePath === undefined ? defaultStatePath(cwd) : resolve(cwd, options.statePath);
  const key = stateKey(packageInfo().version, options.ruleSet, options.revisions);
  const { order, heads, roots } = await historyGraph(cwd, options.revisions);
  const revisions = await streamRevisions(options, usableState(options, path, key, order), order);
  const recorder = new HistoryRecorder();
  if (revisions !== null) {
    const fragments = historyFragments({ cwd, revisions, stats, contextLines: detector.contextLines, source: 'history', observer: recorder, detector });
    await collectFindings(recorder.watch(fragments), detector, options.filters.then(() => [recorder]));
  }
  const findings = recorder.replay(order, await options.filters);
  try {
    writeState(path, { key, tips: heads, roots, commits: recorder.commits() });
  } catch (error) {
    options.warn(`warning: ${path}: cannot save the history state (${(error as Error).message}); the next run scans the whole history`);
  }
  return findings;
}
