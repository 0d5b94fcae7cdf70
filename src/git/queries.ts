import type { SimpleGit } from 'simple-git';

/**
 * simple-git for the queries around a scan (rev-parse, merge-base, rev-list --count), loaded on first use
 * (~30 ms, which the commit-hook path never pays). A query is done when git's output closes: simple-git's
 * default also arms a 50 ms timer when git exits, and that timer held every history scan's exit back 50 ms.
 */
export async function gitQueries(cwd: string): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  return simpleGit({ baseDir: cwd, completion: { onExit: false } });
}
