import { UsageError } from '../errors.js';
import { adoptPrestarted } from './prestart.js';
import { type GitStreamOptions, startGit } from './spawn.js';

export type { GitStreamOptions } from './spawn.js';

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
 * (log -p, diff, cat-file). Exits with a UsageError carrying git's own message when git fails. A git started
 * earlier with the same arguments, cwd and environment (prestart.ts) is read instead of a new one.
 */
export async function* gitStream(args: string[], options: GitStreamOptions): AsyncGenerator<Buffer> {
  const { child, stderr, exited } = adoptPrestarted(args, options) ?? startGit(args, options);
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
  if (code !== 0) throw new UsageError(`git ${args[0]} failed: ${stderr().trim().split('\n')[0] || `exit code ${code}`}`);
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
