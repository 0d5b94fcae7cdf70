import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface GitStreamOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * written to git's stdin (e.g. object ids for `cat-file --batch`), whole or as it comes (read only as fast
   * as git takes it); else stdin is empty
   */
  input?: string | AsyncIterable<string>;
}

/** A git process as gitStream reads it: its stderr kept (the start of it) from the first byte. */
export interface RunningGit {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  stderr: () => string;
  exited: Promise<number>;
}

/** Where coreutils installs libstdbuf (its pkglibexecdir) on the Linux distributions that ship it. */
export const STDBUF_LIBRARIES = ['/usr/libexec/coreutils/libstdbuf.so', '/usr/lib/coreutils/libstdbuf.so', '/usr/lib64/coreutils/libstdbuf.so', '/usr/local/libexec/coreutils/libstdbuf.so'];
let stdbufLibrary: string | null | undefined;

/**
 * `env` for a git whose output is read as a stream, written in blocks rather than a commit at a time:
 * - GIT_FLUSH=0: on a pipe git flushes after each commit (each of boto3's 4,625 merges in the merge selection was
 *   a write, and a wake-up of Node);
 * - its stdout buffered in 64 KB, where coreutils' libstdbuf is installed (what `stdbuf -o` does, without its
 *   extra process): git writes through stdio, whose buffer is the pipe's st_blksize, 4 KB. Express's history
 *   was 3,200 writes for git and 2,400 reads for Node, each a trip through Node's stream machinery, ~160 ms of
 *   Node's CPU for 13 MB against ~40 ms in 64 KB blocks (Node reads 64 KB at a time). Elsewhere (macOS,
 *   Windows, no coreutils) git's buffer stays as it is.
 * What must come at once git flushes itself whatever these say: diff-tree's echo of a line that is no object
 * id (the end of each merge), cat-file's objects without --buffer.
 */
function inBlocks(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  stdbufLibrary ??= STDBUF_LIBRARIES.find((path) => existsSync(path)) ?? null;
  const unflushed = { ...env, GIT_FLUSH: '0' };
  if (!stdbufLibrary) return unflushed;
  const preload = env.LD_PRELOAD ? `${env.LD_PRELOAD}:${stdbufLibrary}` : stdbufLibrary;
  return { ...unflushed, LD_PRELOAD: preload, _STDBUF_O: String(64 * 1024) };
}

/**
 * `env` with glibc's allocator told to keep freed memory (other C libraries ignore it; the user's own settings
 * win). By default glibc hands the top of its heap back to the kernel once 128 KB of it is free, and git, which
 * allocates and frees each blob and each diff's buffers in turn, gets those pages back zeroed a moment later:
 * half of `git log -p -U0 --all`'s page faults, a third of its system time. Keeping up to 64 MB free (and
 * serving blocks under 32 MB from the heap, which a fixed trim threshold would otherwise send to mmap) made that
 * log 1.39x faster on express, 1.2x on boto3 and 1.1x on botocore, with the same peak memory.
 */
function keepingFreedMemory(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_TRIM_THRESHOLD_: String(64 << 20), MALLOC_MMAP_THRESHOLD_: String(32 << 20), ...env };
}

/** Starts git with its input (see GitStreamOptions.input) on its way. */
export function startGit(args: string[], options: GitStreamOptions): RunningGit {
  const child = spawn('git', args, { cwd: options.cwd, env: inBlocks(keepingFreedMemory(options.env ?? process.env)), stdio: ['pipe', 'pipe', 'pipe'] });
  // git exits before reading all its input when it fails: its own message says why, not EPIPE.
  child.stdin.on('error', () => {});
  if (typeof options.input === 'object') pipeline(Readable.from(options.input), child.stdin).catch(() => {});
  else child.stdin.end(options.input);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data: string) => {
    if (stderr.length < 4096) stderr += data;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  exited.catch(() => {}); // awaited by gitStream; a git never read (see prestart.ts) must not crash the process
  return { child, stderr: () => stderr, exited };
}

