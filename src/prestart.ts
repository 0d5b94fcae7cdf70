import { prestart } from './git/prestart.js';
import { historyLog } from './sources/log-args.js';

// bin/keyguard's first step for `keyguard scan-history`: the history's `git log` starts before keyguard's
// modules are compiled and yargs reads the command line, so that its walk of the history runs meanwhile.

/** Report options, which leave the commits scanned as they are: those that take a value, and flags. */
const VALUE_OPTIONS = new Set(['--format', '-f', '--report-format', '--output', '-o', '--report-path', '--exit-code', '--baseline']);
const FLAGS = /^--(?:no-)?(?:mask|redact|color|verify|show-secrets-in-ci)$/;

/**
 * Starts `scan-history`'s git log when `argv` (the words after the command) holds report options alone: the
 * scan of all refs, as historyScan will ask for it. Any other word (a branch, --incremental, `--`, a typo)
 * starts nothing; a git started for nothing is killed at exit (see git/prestart.ts).
 */
export function prestartHistoryScan(argv: string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!FLAGS.test(arg) && !VALUE_OPTIONS.has(arg.slice(0, arg.indexOf('=')))) return;
  }
  const log = historyLog(['--all']);
  prestart(log.args, { cwd: process.cwd(), env: log.env });
}
