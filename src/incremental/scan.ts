// scan-history --incremental: a full history report that reads only what the last run did not.
import { resolve } from 'node:path';
import type { Detector } from '../detect/engine.js';
import type { Filter, Finding, RuleSet, ScanStats } from '../types.js';
import { gitStream, records } from '../git/stream.js';
import { packageInfo } from '../package-files.js';
import { collectFindings } from '../pipeline.js';
import { withCommas } from '../report/text.js';
import { HistoryDedupe } from '../sources/history-dedupe.js';
import { historyFragments } from '../sources/history.js';
import { historyRefObjects } from '../sources/ref-objects.js';
import { HistoryRecorder } from './recorder.js';
import { defaultStatePath, type HistoryState, readState, type StoredState, stateKey, walkKey, writeState } from './state.js';

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

/** Above this many commits to read, naming them all to git would make too long a command line: one walk reads them. */
const MAX_LISTED = 20_000;

/** The history as a full scan reads it: its commits oldest first (topological), its heads and its roots. */
interface HistoryGraph {
  /** a commit id, or '' for a commit known by its place only (when the walk is the stored one) */
  order: string[];
  heads: string[];
  /** the commits without a parent: true roots, and in a shallow clone the commits at its boundary */
  roots: string[];
  /** the commits that were roots last time (`formerRoots`) and have parents now: a deepened shallow clone's old boundary */
  deepened: string[];
}

async function historyGraph(cwd: string, revisions: string[], formerRoots: ReadonlySet<string>): Promise<HistoryGraph> {
  const order: string[] = [];
  const parents = new Set<string>();
  const roots: string[] = [];
  const deepened: string[] = [];
  for await (const line of records(gitStream(['rev-list', '--reverse', '--topo-order', '--parents', ...revisions], { cwd }), 10)) {
    const [sha, ...parentShas] = line.split(' ');
    order.push(sha);
    if (parentShas.length === 0) roots.push(sha);
    else if (formerRoots.has(sha)) deepened.push(sha);
    for (const parent of parentShas) parents.add(parent);
  }
  return { order, heads: order.filter((sha) => !parents.has(sha)), roots, deepened };
}

/** The stored history, when git's walk starts where it did: the commits that held something at their places. */
function storedGraph(state: HistoryState): HistoryGraph {
  const order = new Array<string>(state.length).fill('');
  state.commits.forEach((sha, i) => (order[state.positions[i]] = sha));
  return { order, heads: state.tips, roots: state.roots, deepened: [] };
}

async function revList(cwd: string, args: string[]): Promise<string[]> {
  const shas: string[] = [];
  for await (const sha of records(gitStream(['rev-list', ...args], { cwd }), 10)) shas.push(sha);
  return shas;
}

/** What one run reads: the revisions of its one git log stream (null: nothing), and what to tell the user. */
interface Plan {
  revisions: string[] | null;
  note?: string;
}

/**
 * The commits of the history that the state does not cover: those its tips do not reach. A shallow clone's
 * boundary commits have no parent, so a state made there covers only what that clone held, and its roots
 * include that boundary. When the boundary moves, the commits whose parents changed are read again (a root's
 * diff is its whole tree): the old boundary commits that have parents now, and the new ones; and the commits
 * the tips reach only through the old boundary are new (that run could not see them).
 */
async function newCommits(cwd: string, revisions: string[], state: HistoryState, graph: HistoryGraph): Promise<Set<string>> {
  const formerRoots = new Set(state.roots);
  const boundary = graph.roots.filter((sha) => !formerRoots.has(sha));
  if (!graph.deepened.length) return new Set([...(await revList(cwd, ['--ignore-missing', ...revisions, ...state.tips.map((tip) => `^${tip}`)])), ...boundary]);
  const covered = new Set(await revList(cwd, ['--ignore-missing', ...state.tips, '--not', ...graph.deepened]));
  return new Set([...graph.order.filter((sha) => !covered.has(sha)), ...boundary]);
}

/**
 * The whole history without a usable state; else the new commits and the old ones that held something
 * (re-read for their findings, which the state does not keep), named in the order a full scan reads them.
 */
function plan(options: IncrementalOptions, state: HistoryState | null, graph: HistoryGraph, fresh: ReadonlySet<string>): Plan {
  const { revisions } = options;
  if (state === null) return { revisions };
  const stored = new Set(state.commits);
  const listed = graph.order.filter((sha) => fresh.has(sha) || stored.has(sha));
  if (listed.length > MAX_LISTED) return { revisions, note: `incremental: over ${withCommas(MAX_LISTED)} commits new or holding something; scanned the whole history` };
  const note = `incremental: ${fresh.size} new commit${fresh.size === 1 ? '' : 's'} scanned, ${listed.length - fresh.size} re-read for what they held`;
  // --no-walk=unsorted keeps the order given, and historyFragments reads it --reverse: newest first here.
  return { revisions: listed.length ? ['--no-walk=unsorted', ...listed.reverse()] : null, note };
}

/** The stored state if it was made for this key, else null (and the reason said); and whether it may be replaced. */
function usableState(options: IncrementalOptions, path: string, key: string): StoredState {
  const stored = readState(path, (line) => options.warn(`warning: ${line}`));
  if (stored.state !== null && stored.state.key !== key) {
    options.warn(`note: ${path} was made by another keyguard version, rule set or choice of revisions; scanning the whole history`);
    return { state: null, replaceable: true };
  }
  return stored;
}

/** Whether the history shares a root or a tip with the state's; else warns that the state is another's. */
function sameRepository(options: IncrementalOptions, path: string, state: HistoryState, graph: HistoryGraph): boolean {
  const present = new Set(graph.order);
  if (!graph.order.length || !state.roots.length || [...state.roots, ...state.tips].some((sha) => present.has(sha))) return true;
  options.warn(`warning: ${path}: none of its commits is in this history (another repository's state?); scanning the whole history`);
  return false;
}

/**
 * Whether the commits the state's tips reach here are no more than the commits it says it covered; else warns.
 * They are some of those commits (the history's edges are the ones that run saw, newCommits reads a moved
 * shallow boundary, and the refs a revision excludes only cut them), so more means tips that were not its
 * own, as in a hand-edited state, or an excluded ref that moved back. Free: the walk and its new commits are known.
 */
function coversWhatItSays(options: IncrementalOptions, path: string, state: HistoryState, graph: HistoryGraph, fresh: ReadonlySet<string>): boolean {
  const covered = graph.order.filter((sha) => !fresh.has(sha)).length;
  if (covered <= state.length) return true;
  options.warn(`warning: ${path}: its tips reach ${withCommas(covered)} commits, more than the ${withCommas(state.length)} it covered (an edited state, or an excluded ref moved back?); scanning the whole history`);
  return false;
}

/**
 * The findings a full scan of `revisions` reports (same commits, same `commits` counts, same order), reading
 * only the commits the state does not cover and those that held something; then saves the new state. A state
 * that cannot be used means a full scan and a one-line warning, never an error. When git's walk starts from
 * the same commits as last time, the history is the same and git is asked for nothing but those commits, and
 * of the annotated tags' messages (a full scan's last findings) only those that held something are read again.
 */
export async function incrementalFindings(options: IncrementalOptions): Promise<Finding[]> {
  const { cwd, detector, stats } = options;
  // Two small gits at once, not one after the other: a run with nothing new is mostly such waits.
  const walking = walkKey(cwd, options.revisions);
  const path = options.statePath === undefined ? await defaultStatePath(cwd) : resolve(cwd, options.statePath);
  const key = stateKey(packageInfo().version, options.ruleSet, options.revisions);
  const stored = usableState(options, path, key);
  const walk = await walking;
  let state = stored.state;
  const unchanged = state !== null && walk !== null && state.walk === walk;
  // The refs are part of the walk: unchanged, the tags are the ones read last time (boto3: 2,102 of them).
  const knownTags = unchanged && state!.tags ? state!.tags.map(([blob, file]) => ({ blob, file })) : undefined;
  const tags = historyRefObjects(cwd, options.revisions, { detector, stats }, knownTags);
  const graph = unchanged ? storedGraph(state!) : await historyGraph(cwd, options.revisions, new Set(state?.roots));
  if (state !== null && !unchanged && !sameRepository(options, path, state, graph)) state = null;
  const fresh = state === null || unchanged ? new Set<string>() : await newCommits(cwd, options.revisions, state, graph);
  if (state !== null && !unchanged && !coversWhatItSays(options, path, state, graph, fresh)) state = null;
  const { revisions, note } = plan(options, state, graph, fresh);
  if (note) stats.notes.push(note);
  const recorder = new HistoryRecorder();
  if (revisions !== null) {
    const fragments = historyFragments({ cwd, revisions, stats, contextLines: detector.contextLines, source: 'history', observer: recorder, detector });
    await collectFindings(fragments, detector, options.filters.then(() => [recorder]));
  }
  const findings = recorder.replay(graph.order, await options.filters);
  const refs = tags ? await tags : null;
  const tagFragments = refs?.fragments ?? [];
  // Tags are objects of their own, each message once: through the filters and a dedupe, as a full scan reads them.
  if (tagFragments.length) findings.push(...(await collectFindings([tagFragments], detector, options.filters.then((filters) => [...filters, new HistoryDedupe()]))));
  // The report covers the whole history (the note says how much of it was read): an empty one is told apart
  // by this count, without asking git again.
  stats.commits = graph.order.length;
  const place = new Map(graph.order.map((sha, i) => [sha, i]));
  // A commit outside the order came from refs moved while git walked: the next run sees it as new.
  const commits = recorder.commits().filter((sha) => place.has(sha));
  if (!stored.replaceable) return findings;
  try {
    writeState(path, { key, walk, length: graph.order.length, tips: graph.heads, roots: graph.roots, commits, positions: commits.map((sha) => place.get(sha)!), tags: refs?.refs ?? null }, stored.text);
  } catch (error) {
    options.warn(`warning: ${path}: cannot save the history state (${(error as Error).message}); the next run scans the whole history`);
  }
  return findings;
}
