// `npm test` builds only when dist/ is older than what it is built from: `npm ci` has just built it (the
// prepare script), and building twice cost every `npm ci && npm test` ~10 s.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -Infinity;
  }
};
const newest = (dir) =>
  Math.max(...readdirSync(dir, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? newest(join(dir, entry.name)) : mtime(join(dir, entry.name)))));

const sources = Math.max(newest('src'), mtime('build/string-width.cjs'), mtime('build/bundle.mjs'), mtime('tsconfig.json'), mtime('package.json'), mtime('package-lock.json'));
const built = Math.min(mtime('dist/cli.bundle.cjs'), mtime('dist/run.bundle.cjs'), mtime('dist/prestart.bundle.js'));
if (built < sources) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
