import yargs, { type CommandModule } from 'yargs';
import { STDIN_ARGUMENT } from './commands/stdin.js';
import { UsageError, messageOf, usageErrorText } from './errors.js';
import { packageInfo } from './package-files.js';
import { closest } from './commands/suggest.js';
import { workflowCommand } from './report/github.js';

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
  'register-aws': allows,
};

/** The command the line names, or every command for --help, --version and lines that name none. */
async function commandsFor(argv: string[]): Promise<CommandModule[]> {
  const loader = Object.hasOwn(LOADERS, argv[0] ?? '') ? LOADERS[argv[0]] : undefined;
  if (loader) return loader();
  const all = await Promise.all([...new Set(Object.values(LOADERS))].map((load) => load()));
  return all.flat();
}

const wantsHelp = (argv: string[]) => argv.length === 0 || argv[0] === 'help' || argv.some((arg) => arg === '--help' || arg === '-h');

/** `keyguard` alone and `keyguard help [command]` mean --help, as they do for git and npm. */
function helpRequest(argv: string[]): string[] {
  if (argv.length === 0) return ['--help'];
  if (argv[0] === 'help') return [...argv.slice(1), '--help'];
  return argv;
}

/**
 * yargs' "Unknown argument: stagd" with the closest command or option named, and the camelCase twin yargs
 * lists beside a dashed option (`hooks-path, hooksPath`) left out.
 */
function explainUnknown(message: string, argv: string[], known: Record<string, unknown>): string {
  const match = /^Unknown arguments?: (.*)$/.exec(message);
  if (!match) return message;
  const words = match[1].split(', ').filter((word, _, all) => !(/[A-Z]/.test(word) && all.includes(word.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))));
  const [first] = words;
  if (first === argv[0] && !Object.hasOwn(LOADERS, first)) {
    const command = closest(first, Object.keys(LOADERS));
    return `unknown command "${first}"${command ? `: did you mean "keyguard ${command}"?` : ' (keyguard --help lists the commands)'}`;
  }
  const option = closest(first, Object.keys(known).filter((key) => key.length > 1 && !/[A-Z]/.test(key)));
  const list = words.map((word) => (word.length > 1 ? `--${word}` : `-${word}`)).join(', ');
  return `unknown option${words.length > 1 ? 's' : ''} ${list}${option ? `: did you mean --${option}?` : ` (keyguard ${Object.hasOwn(LOADERS, argv[0]) ? `${argv[0]} ` : ''}--help lists the options)`}`;
}

/** The --format a command line asks for, read from the words themselves (a failed parse has no arguments). */
function formatOf(argv: string[]): string | undefined {
  let format: string | undefined;
  argv.forEach((arg, i) => {
    const inline = /^--(?:report-)?format=(.*)$/.exec(arg);
    if (inline) format = inline[1];
    else if (['--format', '-f', '--report-format'].includes(arg)) format = argv[i + 1];
  });
  return format;
}

/** yargs' "Not enough non-option arguments" as the usage line of the command that needs them. */
function explainMissing(message: string, argv: string[], commands: CommandModule[]): string {
  if (!message.startsWith('Not enough non-option arguments')) return message;
  const name = argv[0];
  const command = commands.find((module) => String(module.command).split(' ')[0] === name);
  return command ? `${name} needs an argument: keyguard ${String(command.command)} (keyguard ${name} --help)` : message;
}


/** Runs one command line; every error the user can cause ends as one line on stderr and exit code 2. */
export async function main(argv: string[]): Promise<void> {
  // `keyguard scan | head`: a reader that stops early is no error (and no stack trace, nor exit 1).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  // yargs drops a lone '-', the usual name for stdin: carry it through under another name.
  argv = helpRequest(argv);
  const commands = await commandsFor(argv);
  const parser = yargs(argv.map((arg) => (arg === '-' ? STDIN_ARGUMENT : arg)))
    .scriptName('keyguard')
    .usage('$0 <command> [options]\n\nStops AWS credentials from landing in git, and finds the ones that already did.')
    .command(commands)
    .demandCommand(1, 'name a command (keyguard --help lists them)')
    .strict()
    .version(packageInfo().version)
    .alias('v', 'version')
    .help()
    .alias('h', 'help')
    // yargs lays out the whole help text for every command it runs (it caches it for an async handler's
    // failure, which .fail() below turns into one line instead): wrapping that text cost ~30 ms of each
    // start, so the help is wrapped only when asked for.
    .wrap(wantsHelp(argv) ? Math.min(110, process.stdout.columns || 110) : null)
    .fail((message, error) => {
      if (error) throw error;
      const known = (parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key;
      throw new UsageError(explainMissing(explainUnknown(message.replace(/\s*\n\s*/g, ' '), argv, known), argv, commands));
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    const debug = Boolean(process.env.KEYGUARD_DEBUG);
    // Loaded only now: masking runs the rules over the message, and most runs end without an error.
    const { redactSecrets } = await import('./report/redact.js');
    if (error instanceof UsageError) {
      process.stderr.write(redactSecrets(usageErrorText(error)));
      // In a GitHub Actions log a plain stderr line is easy to miss: the run's summary shows workflow commands.
      if (formatOf(argv) === 'github') process.stdout.write(`${workflowCommand('error', redactSecrets(error.message), { title: 'keyguard' })}\n`);
    } else process.stderr.write(redactSecrets(`keyguard: internal error: ${debug && error instanceof Error ? error.stack : messageOf(error)}\n`));
    process.exitCode = error instanceof UsageError ? error.exitCode : 2;
  }
}
