import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '../errors.js';

export interface GitStreamOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /**
   * written to git's stdin (e.g. object ids for `cat-file --batch`), whole or as it comes (read only as fast
   * as git takes it); else stdin is empty
   */
  input?: string | AsyncIterable<string>;
}

/**
 * The environment for git commands that read commits and blobs a scan must see as they are stored: no replace
 * refs, no info/grafts. Either can show one commit or blob in another's place, or hide a commit, while a push
 * sends the objects themselves.
 */
export function storedObjectsEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_NO_REPLACE_OBJECTS: '1', GIT_GRAFT_FILE: '/dev/null' };
}

/**
 * Runs git and yields its stdout as it comes, with bounded memory: for the outputs that can be gigabytes
 * (log -p, diff, cat-file). Exits with a UsageError carrying git's own message when git fails.
 */
export async function* gitStream(args: string[], options: GitStreamOptions): AsyncGenerator<Buffer> {
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
  let finished = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    finished = true;
  } finally {
    // A consumer that stops early (an error downstream) must not leave git running.
    if (!finished) child.kill();
  }
  const code = await exited.catch((error: Error) => {
    throw new UsageError(`cannot run git: ${error.message}`);
  });
  if (code !== 0) throw new UsageError(`git ${args[0]} failed: ${stderr.trim().split('\n')[0] || `exit code ${code}`}`);
}

/** Splits a byte stream into records ending in `separator` (NUL for -z output), decoding each as UTF-8. */
export async function* records(stream: AsyncIterable<Buffer>, separator = 0): AsyncGenerator<string> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    for (let end = pending.indexOf(separator, start); end !== -1; end = pending.indexOf(separator, start)) {
      yield pending.toString('utf8', start, end);
      start = end + 1;
    }
    pending = pending.subarray(start);
  }
  if (pending.length) yield pending.toString('utf8');
}
