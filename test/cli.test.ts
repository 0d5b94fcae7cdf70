import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { keyguard, ROOT } from './helpers/cli.js';

describe('the command line', () => {
  it('prints help wrapped to the terminal width, and the version', () => {
    const help = keyguard(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/keyguard scan-history +Scan every commit/);
    expect(Math.max(...help.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(110);
    const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
    expect(keyguard(['--version']).stdout.trim()).toBe(version);
  });

  it("measures text as string-width does, with the bundles' stand-in for it", () => {
    // build/string-width.cjs takes string-width's place in the bundles (see package.json "build").
    const require = createRequire(import.meta.url);
    const standIn = require('../build/string-width.cjs') as (text: string) => number;
    const stringWidth = (require('../node_modules/string-width/index.js') as { default: (text: string) => number }).default;
    for (const text of ['', 'plain ASCII, 12345', 'café', '日本語のテキスト', 'emoji 👍🏽 and ☕', '\u001b[31mred\u001b[39m', 'tab\there']) {
      expect(standIn(text), text).toBe(stringWidth(text));
    }
  });
});
