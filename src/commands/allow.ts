import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError, messageOf } from '../errors.js';
import { ALLOWLIST_FILE, ALLOWLIST_HEADER, type AllowSpec, FINGERPRINT, formatAllowEntry, parseAllowlist, sameAllowance } from '../filters/allowlist.js';
import { diskReader } from '../filters/index.js';
import { workTreeRoot } from '../git/repo.js';
import { gitSecretsCommands } from './git-secrets.js';

interface AllowArgs {
  target: string;
  path?: string;
  reason?: string;
}


/** The entry `keyguard allow` means: a fingerprint as keyguard prints it, else a value. */
function specOf(args: AllowArgs): AllowSpec {
  const reason = args.reason?.replace(/\s+/g, ' ').trim() || undefined;
  if (FINGERPRINT.test(args.target)) {
    if (args.path !== undefined) throw new UsageError('a fingerprint names one finding in one file already: --path goes with a value');
    return { kind: 'fingerprint', value: args.target, reason };
  }
  // The file's entries are blank-separated words, and "#" starts a reason.
  if (!args.target || /\s/.test(args.target) || args.target.startsWith('#')) {
    throw new UsageError(`a value with blanks or a leading "#" cannot be an allowlist entry: add a regex entry to ${ALLOWLIST_FILE} by hand`);
  }
  if (args.path !== undefined && (!args.path || /\s/.test(args.path))) throw new UsageError('--path takes a glob without blanks');
  return { kind: 'value', value: args.target, path: args.path, reason };
}

/** Appends the entry unless one accepting the same findings is there; the file keeps its line ends. */
function allow(args: AllowArgs): void {
  const cwd = process.cwd();
  const file = join(workTreeRoot(cwd) ?? cwd, ALLOWLIST_FILE);
  const spec = specOf(args);
  const existing = diskReader(cwd)(file);
  const same = (existing === null ? [] : parseAllowlist(existing, ALLOWLIST_FILE)).find((entry) => sameAllowance(entry, spec));
  if (same) {
    process.stdout.write(`keyguard: already allowed by ${ALLOWLIST_FILE}:${same.line}\n`);
    return;
  }
  const entry = formatAllowEntry(spec);
  parseAllowlist(entry, 'the new entry'); // a glob or value the file could not read back is refused here
  const eol = existing?.includes('\r\n') ? '\r\n' : '\n';
  const before = existing === null ? ALLOWLIST_HEADER.replace(/\n/g, eol) : existing && !existing.endsWith('\n') ? `${existing}${eol}` : existing;
  try {
    writeFileSync(file, `${before}${entry}${eol}`);
  } catch (error) {
    throw new UsageError(`${file}: cannot write (${messageOf(error)})`);
  }
  process.stdout.write(`keyguard: added to ${ALLOWLIST_FILE}: ${spec.kind}${spec.kind === 'fingerprint' ? ` ${spec.value}` : ''}${spec.path ? ` path=${spec.path}` : ''} (commit it to share it)\n`);
}

const allowCommand: CommandModule<object, AllowArgs> = {
  command: 'allow <target>',
  describe: `Accept a false positive precisely: a finding by its fingerprint, or a value, in ${ALLOWLIST_FILE}`,
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('target', { type: 'string', demandOption: true, describe: 'a fingerprint (32 hex digits, as reports print it) or a literal value' })
      .option('path', { type: 'string', describe: 'with a value: only in files matching this glob (repository-relative, e.g. test/fixtures/**)' })
      .option('reason', { type: 'string', describe: 'why this is not a secret, kept beside the entry' })
      .example('$0 allow 3f1c9a0d6b2e4f5a8c7d9e0b1a2c3d4e', 'one finding, by the fingerprint a report printed')
      .example('$0 allow AKIA... --path "docs/**"', 'a documented value, in docs only') as unknown as Argv<AllowArgs>,
  handler: allow,
};

/** allow, add, add-provider, aws-provider, list: the allowlist and git-secrets-style commands. */
export const addCommands: CommandModule[] = [allowCommand as unknown as CommandModule, ...gitSecretsCommands];
