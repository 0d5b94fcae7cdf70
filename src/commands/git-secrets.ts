// The commands git-secrets users know, on the same git configuration: add, add-provider, aws-provider, list.
import type { Argv, CommandModule } from 'yargs';
import { escapeEre } from '../regex.js';
import { UsageError } from '../errors.js';
import { ALLOWLIST_FILE, formatAllowEntry, parseAllowlist } from '../filters/allowlist.js';
import { awsCredentialValues, defaultCredentialsFile } from '../filters/aws-credentials.js';
import { SECRETS_KEYS, type SecretsKey, addSecretsConfig, readSecretsConfig } from '../filters/git-config.js';
import { GITALLOWED_FILE, gitallowedPatterns } from '../filters/git-secrets-allowed.js';
import { diskReader } from '../filters/index.js';
import { LinearRegex } from '../filters/linear-regex.js';
import { workTreeRoot } from '../git/repo.js';

interface ScopeArgs {
  global: boolean;
}

const withGlobal = <T>(yargs: Argv<T>) => yargs.option('global', { type: 'boolean', default: false, describe: 'the user\'s global git config instead of the repository\'s' });

/** Says whether the value went in; like git-secrets, adding what is there already changes nothing. */
function addTo(key: SecretsKey, value: string, args: ScopeArgs): void {
  const added = addSecretsConfig(process.cwd(), key, value, args.global ? 'global' : 'local');
  process.stdout.write(`keyguard: ${added ? 'added to' : 'already in'} ${key}${args.global ? ' (global)' : ''}: ${value}\n`);
}

interface AddArgs extends ScopeArgs {
  pattern: string;
  allowed: boolean;
  literal: boolean;
}

const addCommand: CommandModule<object, AddArgs> = {
  command: 'add <pattern>',
  describe: 'Prohibit a pattern (git config secrets.patterns), or allow one with --allowed (secrets.allowed)',
  builder: (yargs) =>
    withGlobal(yargs as Argv<object>)
      .positional('pattern', { type: 'string', demandOption: true, describe: 'a regex (RE2 syntax, which reads git-secrets\' POSIX ERE patterns)' })
      .option('allowed', { alias: 'a', type: 'boolean', default: false, describe: 'an allowed pattern instead of a prohibited one' })
      .option('literal', { alias: 'l', type: 'boolean', default: false, describe: 'escape the pattern so it matches its text literally' })
      .example('$0 add \'password\\s*=\\s*\\S{12,}\'', 'prohibit a pattern')
      .example('$0 add --allowed --literal 1234-5678', 'allow a literal value') as unknown as Argv<AddArgs>,
  handler: (args) => {
    const pattern = args.literal ? escapeEre(String(args.pattern)) : String(args.pattern);
    if (!pattern.trim()) throw new UsageError('an empty pattern would match everything');
    const key: SecretsKey = args.allowed ? 'secrets.allowed' : 'secrets.patterns';
    new LinearRegex(pattern, `keyguard add ${JSON.stringify(pattern)}`); // refuse what a scan could not compile
    addTo(key, pattern, args);
  },
};

interface AddProviderArgs extends ScopeArgs {
  command: string[];
  _: Array<string | number>;
}

const addProviderCommand: CommandModule<object, AddProviderArgs> = {
  command: 'add-provider [command..]',
  describe: 'Add a command whose output lines are prohibited values (git config secrets.providers; run without a shell)',
  builder: (yargs) =>
    withGlobal(yargs as Argv<object>)
      .positional('command', { type: 'string', array: true, default: [], describe: 'the command and its arguments, after --' })
      .example('$0 add-provider -- keyguard aws-provider', 'your own AWS keys (run in-process, no extra Node start)')
      .example('$0 add-provider -- cat /secure/prohibited.txt', 'values kept outside the repository') as unknown as Argv<AddProviderArgs>,
  handler: (args) => {
    // yargs leaves what follows -- in _, after the command's own name.
    const words = [...args.command, ...args._.slice(1)].map(String);
    if (!words.length) throw new UsageError('name the command after --: keyguard add-provider -- CMD [ARG...]');
    // Stored as one line and split on blanks when run, as git-secrets does: a blank inside a word cannot survive.
    if (words.some((word) => !word || /\s/.test(word))) throw new UsageError('a provider\'s arguments cannot hold blanks (the command is split on blanks, without a shell)');
    addTo('secrets.providers', words.join(' '), args);
  },
};

const awsProviderCommand: CommandModule<object, { file?: string }> = {
  command: 'aws-provider [file]',
  describe: 'Print the access key ids and secret keys of an AWS credentials file, one per line (a provider for add-provider)',
  builder: (yargs) =>
    (yargs as Argv<object>).positional('file', { type: 'string', describe: `default: AWS_SHARED_CREDENTIALS_FILE, else ${defaultCredentialsFile({}).replace(/^.*(?=[/\\]\.aws)/, '~')}` }) as Argv<{ file?: string }>,
  handler: (args) => {
    const values = awsCredentialValues(args.file ?? defaultCredentialsFile());
    if (values.length) process.stdout.write(`${values.join('\n')}\n`);
  },
};

const listCommand: CommandModule<object, ScopeArgs> = {
  command: 'list',
  describe: `List what is prohibited and allowed beyond the built-in rules: git config secrets.*, ${ALLOWLIST_FILE}, ${GITALLOWED_FILE}`,
  builder: (yargs) => withGlobal(yargs as Argv<object>) as unknown as Argv<ScopeArgs>,
  handler: (args) => {
    const cwd = process.cwd();
    const config = readSecretsConfig(cwd, args.global ? 'global' : 'all');
    // git-secrets' --list format (git config --get-regexp), then the repository's files with their line numbers.
    const lines = SECRETS_KEYS.flatMap((key) => config[key].map((value) => `${key} ${value}`));
    const root = workTreeRoot(cwd);
    if (!args.global && root) {
      const read = diskReader(root);
      const allowlist = read(ALLOWLIST_FILE);
      if (allowlist !== null) lines.push(...parseAllowlist(allowlist, ALLOWLIST_FILE).map((entry) => `${ALLOWLIST_FILE}:${entry.line}: ${formatAllowEntry(entry)}`));
      const gitallowed = read(GITALLOWED_FILE);
      if (gitallowed !== null) lines.push(...gitallowedPatterns(gitallowed).map(({ pattern, line }) => `${GITALLOWED_FILE}:${line}: ${pattern}`));
    }
    process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'keyguard: nothing configured beyond the built-in AWS rules (which need no setup)\n');
  },
};

/** git-secrets' `--register-aws`: here the AWS rules are built in, so there is nothing to register. */
const registerAwsCommand: CommandModule = {
  command: 'register-aws',
  describe: 'Nothing to do: the AWS rules are built in (git secrets --register-aws adds them; keyguard always has them)',
  builder: (yargs) => withGlobal(yargs as Argv<object>),
  handler: () => {
    process.stdout.write('keyguard: the AWS rules are built in and always on: nothing to register (keyguard list shows what you added)\n');
  },
};

export const gitSecretsCommands = [addCommand, addProviderCommand, awsProviderCommand, listCommand, registerAwsCommand] as unknown as CommandModule[];
