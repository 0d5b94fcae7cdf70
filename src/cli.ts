import { readFileSync } from 'node:fs';
import yargs, { type CommandModule } from 'yargs';
import { addCommands } from './commands/allow.js';
import { baselineCommand } from './commands/baseline.js';
import { ciCommand } from './commands/ci.js';
import { installCommand, uninstallCommand } from './commands/install.js';
import { scanCommitMsgCommand } from './commands/scan-commit-msg.js';
import { scanHistoryCommand } from './commands/scan-history.js';
import { scanRangeCommand } from './commands/scan-range.js';
import { STDIN_ARGUMENT, scanCommand } from './commands/scan.js';
import { UsageError, messageOf } from './errors.js';

const COMMANDS = [
  scanCommand,
  scanCommitMsgCommand,
  scanHistoryCommand,
  scanRangeCommand,
  ciCommand,
  installCommand,
  uninstallCommand,
  baselineCommand,
  ...addCommands,
] as CommandModule[];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs one command line; every error the user can cause ends as one line on stderr and exit code 2. */
export async function main(argv: string[]): Promise<void> {
  // yargs drops a lone '-', the usual name for stdin: carry it through under another name.
  const parser = yargs(argv.map((arg) => (arg === '-' ? STDIN_ARGUMENT : arg)))
    .scriptName('keyguard')
    .usage('$0 <command> [options]\n\nStops AWS credentials from landing in git, and finds the ones that already did.')
    .command(COMMANDS)
    .demandCommand(1, 'name a command (keyguard --help lists them)')
    .strict()
    .version(version())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      throw error ?? new UsageError(message.replace(/\s*\n\s*/g, ' '));
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    const debug = Boolean(process.env.KEYGUARD_DEBUG);
    if (error instanceof UsageError) process.stderr.write(`keyguard: ${error.message}\n`);
    else process.stderr.write(`keyguard: internal error: ${debug && error instanceof Error ? error.stack : messageOf(error)}\n`);
    process.exitCode = 2;
  }
}
