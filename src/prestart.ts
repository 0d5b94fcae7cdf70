import { SECRETS_READ_ARGS } from './filters/git-config.js';
import { prestart, prestartAnswer } from './git/prestart.js';
import { SHAPE_ARGS, walkStartArgs } from './git/repo.js';
import { historyLog } from './sources/log-args.js';

// bin/keyguard's first step for `keyguard scan-history`: the history's `git log` and the small gits the scan
// asks first start before keyguard's modules are compiled and yargs reads the command line, so that they run
// meanwhile (and fork a Node a third the size: a fork copies the page tables).

/** Report options, which leave the commits scanned as they are: those that take a value, and flags. */
const VALUE_OPTIONS = new Set(['--format', '-f', '--report-format', '--output', '-o', '--report-path', '--exit-code', '--baseline']);
const FLAGS = /^--(?:no-)?(?:mask|redact|color|verify|show-secrets-in-ci)$/;

/**
 * Starts `scan-history`'s gits when `argv` (the words after the command) holds report options alone, and
 * perhaps `--incremental` (with its `--state FILE`): the scan of all refs, as historyScan will ask for it. Its
 * git log (not for --incremental, which reads its own way), and the small gits it asks first: the repository's
 * shape, git-secrets' config, and for --incremental where the walk starts. Any other word (a branch, `--`, a
 * typo) starts nothing; a git log started for nothing is killed at exit (see git/prestart.ts), a small git
 * just ends.
 */
export function prestartHistoryScan(argv: string[]): void {
  let incremental = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--incremental') incremental = true;
    else if (VALUE_OPTIONS.has(arg) || arg === '--state') i++;
    else if (!FLAGS.test(arg) && !VALUE_OPTIONS.has(arg.slice(0, arg.indexOf('='))) && !arg.startsWith('--state=')) return;
  }
  const cwd = process.cwd();
  if (incremental) {
    prestartAnswer(walkStartArgs(['--all']), cwd);
  } else {
    const log = historyLog(['--all']);
    prestart(log.args, { cwd, env: log.env });
  }
  prestartAnswer(SHAPE_ARGS, cwd);
  prestartAnswer(SECRETS_READ_ARGS, cwd);
}
