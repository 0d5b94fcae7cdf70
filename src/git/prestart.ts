import { execFile } from 'node:child_process';
import { type GitStreamOptions, type RunningGit, startGit } from './spawn.js';

// A history scan waits on its `git log`, which walks the history before its first byte: started by
// bin/keyguard before keyguard's own modules are compiled and its command line parsed (~70 ms of every scan),
// it is read by the first gitStream that asks for the same command, and killed at exit if none does.

/** Where the prestarted gits wait: one registry per process, shared by the bundles bin/keyguard loads. */
const REGISTRY = Symbol.for('keyguard.prestarted-git');
type Registry = Map<string, RunningGit>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= new Map());
}

/** What must match for a started git to be the one asked for: arguments, directory, environment. */
const keyOf = (args: string[], options: GitStreamOptions) => JSON.stringify([args, options.cwd, options.env ?? process.env]);

/** Whether the process and its pipes keep Node's event loop alive. */
function holdsProcess(git: RunningGit, holds: boolean): void {
  const { child } = git;
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref(): void; unref(): void }>) {
    if (holds) handle.ref();
    else handle.unref();
  }
}

/** Starts git now, for a gitStream to come; it keeps the process alive only once read. */
export function prestart(args: string[], options: GitStreamOptions): void {
  const git = startGit(args, options);
  // A listener Node sees, or it drains and drops what a git that exits before it is read had written.
  git.child.stdout.on('readable', () => {});
  holdsProcess(git, false);
  const waiting = registry();
  process.once('exit', () => waiting.forEach(({ child }) => child.kill()));
  waiting.set(keyOf(args, options), git);
}

/** The git started by prestart() for this command, now the caller's; undefined when there is none. */
export function adoptPrestarted(args: string[], options: GitStreamOptions): RunningGit | undefined {
  const waiting = registry();
  if (waiting.size === 0) return undefined;
  const key = keyOf(args, options);
  const git = waiting.get(key);
  if (!git) return undefined;
  waiting.delete(key);
  holdsProcess(git, true);
  return git;
}

/** A small git's whole answer: its exit (null when it could not start), stdout and stderr. */
export interface GitAnswer {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Where the small gits started early wait, by command and directory (the environment is the process's). */
const ANSWERS = Symbol.for('keyguard.prestarted-answers');

function answers(): Map<string, Promise<GitAnswer>> {
  const holder = globalThis as { [ANSWERS]?: Map<string, Promise<GitAnswer>> };
  return (holder[ANSWERS] ??= new Map());
}

function runAnswer(args: string[], cwd: string): Promise<GitAnswer> {
  return new Promise((done) => {
    execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      done({ status: error ? (typeof code === 'number' ? code : null) : 0, stdout, stderr });
    });
  });
}

/** Starts a small git now, for gitAnswer to come (bin/keyguard, before keyguard's modules load). */
export function prestartAnswer(args: string[], cwd: string): void {
  answers().set(JSON.stringify([args, cwd]), runAnswer(args, cwd));
}

/**
 * A small git's answer without holding Node's thread: the one prestartAnswer started for this command, else a
 * new one. Started early, a git forks a Node a third the size (a fork copies the page tables) and runs while
 * the rest loads: a `scan-history --incremental` with nothing new is mostly such gits.
 */
export function gitAnswer(args: string[], cwd: string): Promise<GitAnswer> {
  const key = JSON.stringify([args, cwd]);
  const started = answers().get(key);
  if (!started) return runAnswer(args, cwd);
  answers().delete(key);
  return started;
}
