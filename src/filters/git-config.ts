// git-secrets keeps its settings in git config: secrets.patterns (prohibited regexes), secrets.allowed (allowed
// regexes) and secrets.providers (commands printing prohibited values). Read with a plain `git config` child
// process, not simple-git: the commit hook reads them too.
import { spawnSync } from 'node:child_process';
import { UsageError } from '../errors.js';
import { gitAnswer } from '../git/prestart.js';

export type SecretsKey = 'secrets.patterns' | 'secrets.allowed' | 'secrets.providers';
export const SECRETS_KEYS: readonly SecretsKey[] = ['secrets.patterns', 'secrets.allowed', 'secrets.providers'];

export type SecretsConfig = Record<SecretsKey, string[]>;

/** Which configuration files: every one git reads from `cwd` (system, global, local, worktree), or --global. */
export type ConfigScope = 'all' | 'global';

function git(args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new UsageError(`cannot run git: ${result.error.message}`);
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

const scopeArgs = (scope: ConfigScope) => (scope === 'global' ? ['--global'] : []);

// The filters and the detector both ask, in the same process: one child process serves both.
const cache = new Map<string, SecretsConfig>();

const cacheKey = (cwd: string, scope: ConfigScope) => `${scope}\0${cwd}`;

// --null: each entry is "key\nvalue\0", so values may hold any character.
const readArgs = (scope: ConfigScope) => ['config', ...scopeArgs(scope), '--null', '--get-regexp', '^secrets\\.(patterns|allowed|providers)$'];

/** What readSecretsConfig asks git from every configuration file (bin/keyguard starts it early: see prestart.ts). */
export const SECRETS_READ_ARGS = readArgs('all');

/** The secrets.* values from git config's answer to readArgs. */
function parsed({ status, stdout, stderr }: { status: number; stdout: string; stderr: string }): SecretsConfig {
  // Exit 1 means no such key; a global file that does not exist is no key either.
  if (status > 1) throw new UsageError(`git config: ${stderr.trim().split('\n')[0] || `exit code ${status}`}`);
  const config: SecretsConfig = { 'secrets.patterns': [], 'secrets.allowed': [], 'secrets.providers': [] };
  for (const entry of stdout.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline === -1) continue;
    config[entry.slice(0, newline) as SecretsKey]?.push(entry.slice(newline + 1));
  }
  return config;
}

/** The secrets.* values, in the order git lists them. */
export function readSecretsConfig(cwd: string, scope: ConfigScope = 'all'): SecretsConfig {
  const key = cacheKey(cwd, scope);
  const cached = cache.get(key);
  if (cached) return cached;
  const config = parsed(git(readArgs(scope), cwd));
  cache.set(key, config);
  return config;
}

/**
 * Reads the secrets.* values for readSecretsConfig without holding Node's thread: a history scan asks for
 * them while its other small gits run (a run of `scan-history --incremental` with nothing new is mostly such
 * waits). A failure is left for readSecretsConfig to meet and report.
 */
export async function prefetchSecretsConfig(cwd: string): Promise<void> {
  const { status, stdout, stderr } = await gitAnswer(SECRETS_READ_ARGS, cwd);
  if (status !== null && status <= 1) cache.set(cacheKey(cwd, 'all'), parsed({ status, stdout, stderr }));
}

/**
 * Adds a value to a secrets.* key unless it is there already (git-secrets' --add de-dupes too). The local
 * scope writes the repository's .git/config. Returns false when the value was there.
 */
export function addSecretsConfig(cwd: string, key: SecretsKey, value: string, scope: 'local' | 'global'): boolean {
  const where = scope === 'global' ? ['--global'] : ['--local'];
  const existing = git(['config', ...where, '--null', '--get-all', key], cwd);
  if (existing.status === 0 && existing.stdout.split('\0').includes(value)) return false;
  const added = git(['config', ...where, '--add', key, value], cwd);
  if (added.status !== 0) throw new UsageError(`git config ${key}: ${added.stderr.trim().split('\n')[0] || `exit code ${added.status}`}`);
  cache.clear();
  return true;
}
