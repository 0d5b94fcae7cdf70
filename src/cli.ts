import { readFileSync } from 'node:fs';
import yargs, { type CommandModule } from 'yargs';
import { STDIN_ARGUMENT } from './commands/stdin.js';
import { UsageError, messageOf } from './errors.js';
import { packageFile } from './package-files.js';

type Loader = () => Promise<CommandModule[]>;

// Each command's module, by the command's name. A command line loads only the module it runs: loading them
// all (simple-git, the history and CI machinery) cost ~75 ms of every start, and keyguard starts often.
const scan: Loader = async () => [(await import('./commands/scan.js')).scanCommand as CommandModule];
const scanCommitMsg: Loader = async () => [(await import('./commands/scan-commit-msg.js')).scanCommitMsgCommand as CommandModule];
const scanHistory: Loader = async () => [(await import('./commands/scan-history.js')).scanHistoryCommand as CommandModule];
const scanRange: Loader = async () => [(await import('./commands/scan-range.js')).scanRangeCommand as CommandModule];
const ci: Loader = async () => [(await import('./commands/ci.js')).ciCommand as CommandModule];
const hooks: Loader = async () => {
  const { installCommand, uninstallCommand } = await import('./commands/install.js');
  return [installCommand, uninstallCommand] as CommandModule[];
};
const baseline: Loader = async () => [(await import('./commands/baseline.js')).baselineCommand as CommandModule];
const allows: Loader = async () => (await import('./commands/allow.js')).addCommands as CommandModule[];

const LOADERS: Record<string, Loader> = {
  scan,
  'scan-commit-msg': scanCommitMsg,
  'scan-history': scanHistory,
  'scan-range': scanRange,
  ci,
  install: hooks,
  uninstall: hooks,
  baseline,
  allow: allows,
  add: allows,
  'add-provider': allows,
  'aws-provider': allows,
  list: allows,
};

/** The command the line names, or every command for --help, --version and lines that name none. */
async function commandsFor(argv: string[]): Promise<CommandModule[]> {
  const loader = Object.hasOwn(LOADERS, argv[0] ?? '') ? LOADERS[argv[0]] : undefined;
  if (loader) return loader();
  const all = await Promise.all([...new Set(Object.values(LOADERS))].map((load) => load()));
  return all.flat();
}

const wantsHelp = (argv: string[]) => argv.some((arg) => arg === '--help' || arg === '-h');

function version(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs one command line; every error the user can cause ends as one line on stderr and exit code 2. */
export async function main(argv: string[]): Promise<void> {
  // `keyguard scan | head`: a reader that stops early is no error (and no stack trace, nor exit 1).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  // yargs drops a lone '-', the usual name for stdin: carry it through under another name.
  const parser = yargs(argv.map((arg) => (arg === '-' ? STDIN_ARGUMENT : arg)))
    .scriptName('keyguard')
    .usage('$0 <command> [options]\n\nStops AWS credentials from landing in git, and finds the ones that already did.')
    .command(await commandsFor(argv))
    .demandCommand(1, 'name a command (keyguard --help lists them)')
    .strict()
    .version(version())
    .help()
    .alias('h', 'help')
    // yargs lays out the whole help text for every command it runs (it caches it for an async handler's
    // failure, which .fail() below turns into one line instead): wrapping that text cost ~30 ms of each
    // start, so the help is wrapped only when asked for.
    .wrap(wantsHelp(argv) ? Math.min(110, process.stdout.columns || 110) : null)
    .fail((message, error) => {
      throw error ?? new UsageError(message.replace(/\s*\n\s*/g, ' '));
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    const debug = Boolean(process.env.KEYGUARD_DEBUG);
    if (error instanceof UsageError) process.stderr.write(`keyguard: ${error.message}\n`);
    else process.stderr.write(`keyguard: internal error: ${debug && error instanceof Error ? error.stack : messageOf(error)}\n`);
    process.exitCode = error instanceof UsageError ? error.exitCode : 2;
  }
}
