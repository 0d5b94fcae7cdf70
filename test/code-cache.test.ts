// bin/keyguard runs its bundles with V8's code cache, kept beside each bundle (dist/*.bundle.cjs.cache). A
// copy of the package per test, so that the cache files here are the test's own.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** bin/, dist/ (without cache files), patterns/ and package.json in a new directory; node_modules linked. */
function packageCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyguard-package-'));
  copies.push(dir);
  for (const part of ['bin', 'dist', 'patterns', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true, filter: (path) => !path.endsWith('.cache') });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** keyguard from the copy in `dir`, with a HOME and git configuration of its own (the copy's). */
const run = (dir: string, args: string[]) =>
  spawnSync(process.execPath, [join(dir, 'bin', 'keyguard'), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' },
    encoding: 'utf8',
    input: '',
  });
const CACHE = join('dist', 'cli.bundle.cjs.cache');
/** The line a cache file starts with: what it was made from. */
const keyOf = (cache: Buffer) => cache.subarray(0, cache.indexOf(10) + 1).toString();

describe('the code cache', () => {
  it('is written after the first run, used by the next, and made anew for a rebuilt bundle', () => {
    const dir = packageCopy();
    expect(run(dir, ['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const first = readFileSync(join(dir, CACHE));
    expect(keyOf(first)).toContain(process.version);
    expect(first.length).toBeGreaterThan(10_000);
    expect(run(dir, ['--version']).status).toBe(0);
    expect(readFileSync(join(dir, CACHE)).equals(first)).toBe(true); // used, not written again

    // a bundle built anew (another time, as a rebuild or an upgrade leaves it): the old cache is not used
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'dist', 'cli.bundle.cjs'), later, later);
    expect(run(dir, ['--version']).status).toBe(0);
    expect(keyOf(readFileSync(join(dir, CACHE)))).not.toBe(keyOf(first));
  });

  it('runs as before beside a cache V8 refuses, and replaces it', () => {
    const dir = packageCopy();
    expect(run(dir, ['--version']).status).toBe(0);
    const key = keyOf(readFileSync(join(dir, CACHE)));
    writeFileSync(join(dir, CACHE), Buffer.concat([Buffer.from(key), Buffer.alloc(4096, 7)]));
    const result = run(dir, ['scan', '--no-git', 'patterns']);
    expect(`${result.stdout}${result.stderr}`).toContain('no secrets found in patterns');
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, CACHE)).length).toBeGreaterThan(10_000);
  });

  it('runs without one where the package cannot be written to', () => {
    const dir = packageCopy();
    chmodSync(join(dir, 'dist'), 0o555);
    try {
      const result = run(dir, ['--version']);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      expect(existsSync(join(dir, CACHE))).toBe(process.getuid?.() === 0); // root writes anyway
    } finally {
      chmodSync(join(dir, 'dist'), 0o755);
    }
  });
});
