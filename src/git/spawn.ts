import { type ChildProcessByStdio, spawn } from 'node:child_process';
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

/** Starts git with its input (see GitStreamOptions.input) on its way. */
export function startGit(args: string[], options: GitStreamOptions): RunningGit {
  const child = spawn('git', args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
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

