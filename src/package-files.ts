import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A file of the installed package (patterns/, bin/, package.json), by its path from the package root. This
 * module sits one level below the root both as compiled (dist/package-files.js) and inside the bundles
 * (dist/*.bundle.cjs), so every module that needs such a file asks here rather than counting `../` itself.
 */
export const packageFile = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** What package.json says of keyguard itself: its version (--version, SARIF) and home page (SARIF). */
export function packageInfo(): { version: string; homepage?: string } {
  return JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string; homepage?: string };
}
