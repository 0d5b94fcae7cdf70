import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Repo, Sandbox } from './repo.js';

/** Ends each record in the log: no argument keyguard gives git is this. */
const END = '--end-of-recorded-git--';

/**
 * A `git` ahead of the real one on PATH that records each command line (NUL after each argument, then END)
 * before running it: what keyguard asks git for, counted without timing anything. `prelude` is shell run
 * before the real git (`$*` holds the arguments).
 */

export function gitRecorder(sandbox: Sandbox, name = 'recorder', prelude = ''): { env: (repo: Repo) => NodeJS.ProcessEnv; commands: () => string[][] } {
  const dir = sandbox.path(name);
  const log = sandbox.path(`${name}.log`);
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  mkdirSync(dir, { recursive: true });
  // One printf, one write of the whole record (O_APPEND): gits started at once (the merge pass's beside the
  // log) wrote their arguments and their ends in two writes each, and a record run into another lost a count.
  writeFileSync(`${dir}/git`, `#!/bin/sh\nprintf '%s\\0' "$@" '${END}' >> '${log}'\n${prelude}\nexec '${realGit}' "$@"\n`);
  chmodSync(`${dir}/git`, 0o755);
  return {
    env: (repo) => {
      writeFileSync(log, '');
      return { ...repo.env, PATH: `${dir}:${repo.env.PATH}` };
    },
    commands: () =>
      readFileSync(log, 'utf8')
        .split(`\0${END}\0`)
        .filter(Boolean)
        .map((line) => line.split('\0')),
  };
}
