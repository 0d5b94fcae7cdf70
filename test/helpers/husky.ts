import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT } from './cli.js';
import type { Repo, Sandbox } from './repo.js';

/** A project's own husky hook: it leaves a mark in .git, to show it ran. */
export const OWN_HOOK = 'date >> "$(git rev-parse --git-dir)/own-hook-ran"\n';

/** A project with keyguard in node_modules/.bin (as a devDependency puts it), first commit made with `files` besides. */
export function keyguardProject(sandbox: Sandbox, name: string, files: Record<string, string> = {}): Repo {
  const repo = sandbox.repo(name);
  mkdirSync(join(repo.dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(BIN, join(repo.dir, 'node_modules', '.bin', 'keyguard'));
  repo.commit('first', { '.gitignore': 'node_modules/\n', 'README.md': '# project\n', ...files });
  return repo;
}

/** Runs a package's script from this project's node_modules (the real husky, lint-staged) in `repo`. */
export function runPackage(repo: Repo, script: string, args: string[] = [], cwd = repo.dir) {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', script), ...args], { cwd, env: repo.env, encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
