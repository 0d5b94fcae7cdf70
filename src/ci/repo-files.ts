import { execFileSync } from 'node:child_process';
import { symlinkRefusal } from '../filters/index.js';
import { decodeText } from '../text-encoding.js';
import { storedObjectsEnv } from '../git/stream.js';

/** A repository file's text as one commit holds it, or null when that commit has no such file. */
export type RepoFileReader = (relPath: string) => string | null;

const SYMLINK_MODE = '120000';
const MAX_BUFFER = 64 * 1024 * 1024;

/**
 * Reads files as `commit` holds them (`git show COMMIT:path`), not as the checkout does: the CI gate takes its
 * allowlist, baseline and configuration from the base commit, which a pull request cannot change.
 * Remembers every path asked for, so the gate can tell which of them the pull request changed.
 * A file stored as a symbolic link (mode 120000) is refused as on disk (symlinkRefusal): its blob is the
 * link's target, text that would otherwise be read as entries (`path **` allows everything).
 */
export class CommittedFiles {
  readonly asked = new Set<string>();
  /** texts read ahead by prefetch, by path (null: the commit has no such file) */
  private readonly fetched = new Map<string, string | null>();
  /** paths prefetch found stored as symbolic links */
  private readonly links = new Set<string>();

  constructor(
    private readonly cwd: string,
    readonly commit: string,
  ) {}

  private git(args: string[], input?: string): Buffer {
    return execFileSync('git', args, { cwd: this.cwd, env: storedObjectsEnv(), input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'], maxBuffer: MAX_BUFFER });
  }

  /**
   * Which of these paths the index (or the commit) holds as symbolic links: one `git ls-files -s` (or
   * `ls-tree`), asked only for files that exist, so a repository without policy files pays nothing.
   */
  private symlinksAmong(paths: readonly string[]): Set<string> {
    if (!paths.length) return new Set();
    const listing = this.commit === ''
      ? this.git(['ls-files', '-s', '-z', '--', ...paths.map((path) => `:(top,literal)${path}`)])
      : this.git(['ls-tree', '-z', '--full-tree', this.commit, '--', ...paths]);
    const links = new Set<string>();
    // Each entry: "<mode> <oid> <stage>\t<path>" (ls-files) or "<mode> <type> <oid>\t<path>" (ls-tree).
    for (const entry of listing.toString('utf8').split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab !== -1 && entry.startsWith(`${SYMLINK_MODE} `)) links.add(entry.slice(tab + 1));
    }
    return links;
  }

  /**
   * Reads these files with one `git cat-file --batch`, for the reads that follow: the commit hooks ask for
   * the same two policy files on every commit, and one git process costs ~2 ms where two cost ~5.
   */
  prefetch(paths: readonly string[]): this {
    let out: Buffer;
    try {
      out = this.git(['cat-file', '--batch'], paths.map((path) => `${this.commit}:${path}\n`).join(''));
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
      this.fetched.set(path, header[1] === 'blob' ? decodeText(out.subarray(at, at + size)) : null);
      at += size + 1;
    }
    try {
      for (const link of this.symlinksAmong(paths.filter((path) => this.fetched.get(path) != null))) this.links.add(link);
    } catch {
      for (const path of paths) this.fetched.delete(path); // each read checks on its own
    }
    return this;
  }

  readonly read: RepoFileReader = (relPath) => {
    const path = relPath.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    this.asked.add(path);
    if (this.links.has(path)) throw symlinkRefusal(path);
    const fetched = this.fetched.get(path);
    if (fetched !== undefined) return fetched;
    let text: string;
    try {
      // "COMMIT:./path" would be relative to cwd; "COMMIT:path" is relative to the top of the repository.
      text = decodeText(this.git(['cat-file', 'blob', `${this.commit}:${path}`]));
    } catch {
      return null;
    }
    if (this.symlinksAmong([path]).has(path)) throw symlinkRefusal(path);
    return text;
  };
}

/**
 * Files as the index holds them (`git cat-file blob :path`, GIT_INDEX_FILE honoured, so `git commit -a` and
 * `git commit <paths>` too): what the commit being made will hold. The commit hooks read allowlists so.
 */
export const stagedFiles = (cwd: string) => new CommittedFiles(cwd, '');
