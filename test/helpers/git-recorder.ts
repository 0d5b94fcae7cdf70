import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Repo, Sandbox } from './repo.js';

/**
 * A `git` ahead of the real one on PATH that records each command line (NUL between arguments, one command
 * a line) before running it: what keyguard asks git for, counted without timing anything. `prelude` is shell
 * run before the real git (`$*` holds the arguments).
 */
export function gitRecorder(sandbox: Sandbox, name = 'recorder', prelude = ''): { env: (repo: Repo) => NodeJS.ProcessEnv; commands: () => string[][] } {
  const dir = sandbox.path(name);
  const log = sandbox.path(`${name}.log`);
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/git`, `#!/bin/sh\nprintf '%s\\0' "$@" >> '${log}'\nprintf '\\n' >> '${log}'\n${prelude}\nexec '${realGit}' "$@"\n`);
  chmodSync(`${dir}/git`, 0o755);
  return {
    env: (repo) => {
      writeFileSync(log, '');
      return { ...repo.env, PATH: `${dir}:${repo.env.PATH}` };
    },
    commands: () =>
      readFileSync(log, 'utf8')
        .split('\0\n')
        .filter(Boolean)
        .map((line) => line.split('\0')),
  };
}
