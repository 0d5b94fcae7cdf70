import { execFileSync } from 'node:child_process';
import { storedObjectsEnv } from '../git/stream.js';

/** A repository file's text as one commit holds it, or null when that commit has no such file. */
export type RepoFileReader = (relPath: string) => string | null;

/**
 * Reads files as `commit` holds them (`git show COMMIT:path`), not as the checkout does: the CI gate takes its
 * allowlist, baseline and configuration from the base commit, which a pull request cannot change.
 * Remembers every path asked for, so the gate can tell which of them the pull request changed.
 */
export class CommittedFiles {
  readonly asked = new Set<string>();

  constructor(
    private readonly cwd: string,
    readonly commit: string,
  ) {}

  readonly read: RepoFileReader = (relPath) => {
    const path = relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    this.asked.add(path);
    try {
      // "COMMIT:./path" would be relative to cwd; "COMMIT:path" is relative to the top of the repository.
      return execFileSync('git', ['cat-file', 'blob', `${this.commit}:${path}`], { cwd: this.cwd, env: storedObjectsEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return null;
    }
  };
}

/**
 * Files as the index holds them (`git cat-file blob :path`, GIT_INDEX_FILE honoured, so `git commit -a` and
 * `git commit <paths>` too): what the commit being made will hold. The commit hooks read allowlists so.
 */
export const stagedFiles = (cwd: string) => new CommittedFiles(cwd, '');
