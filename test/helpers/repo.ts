import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type RunResult, keyguard, keyguardJson } from './cli.js';

/**
 * A scratch directory with its own HOME and git configuration, so no test reads the machine's git config or
 * the user's home, and every commit has a fixed author.
 */
export class Sandbox {
  readonly root: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'keyguard-test-'));
    this.home = join(this.root, 'home');
    mkdirSync(this.home);
    const globalConfig = join(this.home, '.gitconfig');
    writeFileSync(globalConfig, '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
    const env: NodeJS.ProcessEnv = {};
    // Keep what processes need to run, nothing that points at the user's git or AWS setup.
    for (const name of ['PATH', 'LANG', 'TMPDIR', 'SYSTEMROOT']) if (process.env[name]) env[name] = process.env[name];
    this.env = {
      ...env,
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, '.config'),
      GIT_CONFIG_GLOBAL: globalConfig,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.com',
      GIT_COMMITTER_NAME: 'Test Author',
      GIT_COMMITTER_EMAIL: 'author@example.com',
      GIT_TERMINAL_PROMPT: '0',
    };
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** A new repository in the sandbox (`git init`, or `git init --bare` when bare). */
  repo(name = 'repo', options: { bare?: boolean } = {}): Repo {
    const dir = this.path(name);
    mkdirSync(dir, { recursive: true });
    execFileSync('git', ['init', '-q', ...(options.bare ? ['--bare'] : []), dir], { env: this.env });
    return new Repo(dir, this.env);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export class Repo {
  constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Runs git in the repository and returns its stdout; throws with git's stderr when it fails. */
  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Like git(), but returns the exit code and both outputs instead of throwing (for commits hooks block). */
  tryGit(...args: string[]): RunResult {
    try {
      const stdout = execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      const e = error as { status: number; stdout: string; stderr: string };
      return { code: e.status ?? -1, stdout: String(e.stdout ?? ''), stderr: String(e.stderr ?? '') };
    }
  }

  write(path: string, content: string | Buffer): this {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return this;
  }

  /** Writes the files, stages them and commits; returns the new commit id. */
  commit(message: string, files: Record<string, string | Buffer> = {}): string {
    for (const [path, content] of Object.entries(files)) this.write(path, content);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '--no-verify', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  keyguard(args: string[], options: { input?: string; cwd?: string } = {}): RunResult {
    return keyguard(args, { cwd: options.cwd ?? this.dir, env: this.env, input: options.input });
  }

  keyguardJson(args: string[], options: { input?: string; cwd?: string } = {}) {
    return keyguardJson(args, { cwd: options.cwd ?? this.dir, env: this.env, input: options.input });
  }
}
