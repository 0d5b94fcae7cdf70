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
  /** texts read ahead by prefetch, by path (null: the commit has no such file) */
  private readonly fetched = new Map<string, string | null>();

  constructor(
    private readonly cwd: string,
    readonly commit: string,
  ) {}

  /**
   * Reads these files with one `git cat-file --batch`, for the reads that follow: the commit hooks ask for
   * the same two policy files on every commit, and one git process costs ~2 ms where two cost ~5.
   */
  prefetch(paths: readonly string[]): this {
    let out: Buffer;
    try {
      out = execFileSync('git', ['cat-file', '--batch'], { cwd: this.cwd, env: storedObjectsEnv(), input: paths.map((path) => `${this.commit}:${path}\n`).join(''), stdio: ['pipe', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return this; // each read asks git on its own, and says what is missing
    }
    // Each answer: "<oid> <type> <size>\n<content>\n", or "<name> missing\n".
    let at = 0;
    for (const path of paths) {
      const end = out.indexOf(10, at);
      if (end === -1) break;
      const header = out.toString('utf8', at, end).split(' ');
      at = end + 1;
      if (header.length !== 3) {
        this.fetched.set(path, null);
        continue;
      }
      const size = Number(header[2]);
      this.fetched.set(path, header[1] === 'blob' ? out.toString('utf8', at, at + size) : null);
      at += size + 1;
    }
    return this;
  }

  readonly read: RepoFileReader = (relPath) => {
    const path = relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    this.asked.add(path);
    const fetched = this.fetched.get(path);
    if (fetched !== undefined) return fetched;
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
