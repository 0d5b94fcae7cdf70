import { messageOf } from '../errors.js';
import type { Filter, Finding } from '../types.js';
import type { CommittedFiles } from './repo-files.js';

/** What the gate tells the reviewer beside the findings. */
export interface GateMessage {
  level: 'error' | 'warning' | 'notice';
  text: string;
}

/**
 * The allowlist, baseline and configuration files the filters read that the pull request changes: those that
 * differ between where it branched off (`fork`) and its head. Both readers have been through loadFilters, so
 * between them they asked for every file that matters.
 */
export function changedPolicyFiles(fork: CommittedFiles, head: CommittedFiles): string[] {
  const paths = [...new Set([...fork.asked, ...head.asked])].sort();
  return paths.filter((path) => {
    try {
      return fork.read(path) !== head.read(path);
    } catch {
      return true; // unreadable at the head (a symbolic link): changed, and headFiltersOf has said why
    }
  });
}

/**
 * The pull request's own filters, which only ever produce notices: the gate applies the base's. A policy file
 * the change breaks (an unknown key, a pattern RE2 refuses, a symbolic link) must not stop the gate before it
 * reports the findings, or a change could hide its secret, and the SARIF report, behind a bad allowlist line.
 * Its error becomes one warning, and the change's allows then accept nothing.
 */
export async function headFiltersOf(load: () => Promise<Filter[]>): Promise<{ filters: Filter[]; warning?: GateMessage }> {
  try {
    return { filters: await load() };
  } catch (error) {
    const why = messageOf(error).split('\n')[0];
    return { filters: [], warning: { level: 'warning', text: `this change's policy files do not load (${why}); the gate applies the base commit's policy and none of the change's allows` } };
  }
}

/** Where the gate took its policy from, and what the pull request's own versions of it say. */
export interface GatePolicy {
  /** the base branch's tip, whose policy files the gate applies */
  tip: string;
  /** the merge base, where the pull request branched off */
  fork: string;
  /** the filters as the pull request's head has them */
  headFilters: readonly Filter[];
  /** the filters as the merge base has them (no inline allows: those are on lines the change adds) */
  forkFilters: readonly Filter[];
  /** the policy files the pull request changes (changedPolicyFiles) */
  changed: readonly string[];
}

/**
 * What to say about the policy: a notice for each file the pull request changes, and an error for each finding
 * that only the pull request's version of those files accepts: either the change approving itself, or an entry
 * it inherited from where it branched off that the base branch has dropped since.
 */
export function gateMessages(findings: readonly Finding[], policy: GatePolicy): GateMessage[] {
  const tip = policy.tip.slice(0, 12);
  const messages: GateMessage[] = policy.changed.map((path) => ({
    level: 'notice',
    text: `this change edits ${path}; the gate reads it from the base commit ${tip}, so the edit counts only once it has landed there`,
  }));
  for (const finding of findings) {
    const acceptedBy = policy.headFilters.find((filter) => !filter.keep(finding));
    if (!acceptedBy) continue;
    const inherited = policy.fork !== policy.tip && policy.forkFilters.some((filter) => !filter.keep(finding));
    messages.push({
      level: 'error',
      text: inherited
        ? `${finding.file}:${finding.line}: the ${acceptedBy.name} entry for this ${finding.description} is gone from the base branch: this change branched off at ${policy.fork.slice(0, 12)}, and the base commit ${tip} no longer accepts it`
        : `${finding.file}:${finding.line}: the ${acceptedBy.name} entry for this ${finding.description} is added by the same change that adds the secret; allow entries are read from the base commit, so it has to land first through review`,
    });
  }
  return messages;
}
