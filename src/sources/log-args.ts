import { DIFF_ARGS, diffEnv, LOG_FORMAT } from './diff-options.js';

/**
 * git log arguments: the caller's revisions (and options) first so that ours win, and any `-- paths` last.
 * `revisions` is what a scan names: ['--all'], ['BASE..HEAD'], ['main', '^v1.0', '--since=…', '--', 'dir'], …
 */
export function logArgs(revisions: string[], options: string[]): string[] {
  const { revs, paths } = splitPaths(revisions);
  return ['log', ...revs, ...options, ...paths];
}

/** Revisions and options before a `--`, and the `--` with the paths after it (empty when there is none). */
export function splitPaths(revisions: string[]): { revs: string[]; paths: string[] } {
  const separator = revisions.indexOf('--');
  if (separator === -1) return { revs: revisions, paths: [] };
  return { revs: revisions.slice(0, separator), paths: revisions.slice(separator) };
}

/** The `git log -p` a history scan reads (see historyFragments), oldest first. */
export function historyLog(revisions: string[], diffArgs: readonly string[] = DIFF_ARGS): { args: string[]; env: NodeJS.ProcessEnv } {
  return { args: logArgs(revisions, ['-p', ...diffArgs, LOG_FORMAT, '--reverse', '--topo-order']), env: diffEnv() };
}
