import type { Filter } from '../filters/types.js';
import type { Finding } from '../types.js';
import type { CommittedFiles } from './repo-files.js';

/** What the gate tells the reviewer beside the findings. */
export interface GateMessage {
  level: 'error' | 'notice';
  text: string;
}

/**
 * The allowlist, baseline and configuration files the filters read that the pull request changes. Both
 * readers have been through loadFilters, so between them they asked for every file that matters.
 */
export function changedPolicyFiles(base: CommittedFiles, head: CommittedFiles): string[] {
  const paths = [...new Set([...base.asked, ...head.asked])].sort();
  return paths.filter((path) => base.read(path) !== head.read(path));
}

/**
 * What to say about the pull request's own policy changes: a notice for each file it changes, and an error for
 * each finding that only the pull request's version of those files accepts, since that is a change trying to
 * approve itself.
 */
export function gateMessages(findings: readonly Finding[], headFilters: readonly Filter[], changed: readonly string[], base: string): GateMessage[] {
  const messages: GateMessage[] = changed.map((path) => ({
    level: 'notice',
    text: `this change edits ${path}; the gate reads it from the base commit ${base.slice(0, 12)}, so the edit counts only once it has landed there`,
  }));
  for (const finding of findings) {
    const acceptedBy = headFilters.find((filter) => !filter.keep(finding));
    if (!acceptedBy) continue;
    messages.push({
      level: 'error',
      text: `${finding.file}:${finding.line}: the ${acceptedBy.name} entry for this ${finding.description} is added by the same change that adds the secret; allow entries are read from the base commit, so it has to land first through review`,
    });
  }
  return messages;
}
