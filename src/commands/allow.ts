import { lstatSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError, messageOf } from '../errors.js';
import type { Detector } from '../detect/engine.js';
import { ALLOWLIST_FILE, ALLOWLIST_HEADER, type AllowSpec, FINGERPRINT, formatAllowEntry, parseAllowlist, sameAllowance } from '../filters/allowlist.js';
import { diskReader } from '../filters/index.js';
import { workTreeRoot } from '../git/repo.js';
import { createDetector } from '../rules/detector.js';
import { knownRuleIds } from '../rules/load.js';
import { gitSecretsCommands } from './git-secrets.js';
import { sha256Hex } from '../sha256.js';

interface AllowArgs {
  target: string;
  path?: string;
  reason?: string;
  plain: boolean;
}

/** Hex digits near a fingerprint's 32: a fingerprint copied with a character lost or gained, never a value. */
const NEAR_FINGERPRINT = /^[0-9a-f]{24,40}$/i;

/**
 * The entry `keyguard allow` means: a fingerprint as keyguard prints it, else a value some rule reports. A
 * value that would be reported as a credential is written as its SHA-256, not in clear: the allowlist is
 * committed and read by everyone who can read the repository (--plain writes it as it is).
 */
function specOf(args: AllowArgs, detector: Detector): AllowSpec {
  const reason = args.reason?.replace(/\s+/g, ' ').trim() || undefined;
  const target = args.target;
  if (FINGERPRINT.test(target.toLowerCase())) {
    if (args.path !== undefined) throw new UsageError('a fingerprint names one finding in one file already: --path goes with a value');
    return { kind: 'fingerprint', value: target.toLowerCase(), reason };
  }
  if (NEAR_FINGERPRINT.test(target)) {
    throw new UsageError(`"${target}" has ${target.length} hexadecimal digits, a fingerprint has 32: copy it again from the line under the finding (or "fingerprint" in --format json)`);
  }
  // The file's entries are blank-separated words, and "#" starts a reason.
  if (!target || /\s/.test(target) || target.startsWith('#')) {
    throw new UsageError(`a value with blanks or a leading "#" cannot be an allowlist entry: add a regex entry to ${ALLOWLIST_FILE} by hand`);
  }
  if (args.path !== undefined && (!args.path || /\s/.test(args.path))) throw new UsageError('--path takes a glob without blanks');
  const judged = detector.judgeValue(target);
  if (!judged) {
    throw new UsageError(`"${target}" is neither a fingerprint (32 hexadecimal digits) nor a value any rule reports: pass the fingerprint keyguard printed under the finding`);
  }
  if (judged.credential && !args.plain) return { kind: 'value-sha256', value: sha256Hex(target), path: args.path, reason };
  return { kind: 'value', value: target, path: args.path, reason };
}

/** Appends the entry unless one accepting the same findings is there; the file keeps its line ends. */
function allow(args: AllowArgs): void {
  const cwd = process.cwd();
  const root = workTreeRoot(cwd);
  if (!root) throw new UsageError(`keyguard allow writes ${ALLOWLIST_FILE} at the top of a git repository: run it inside one`);
  const file = join(root, ALLOWLIST_FILE);
  // A link the repository brought could point anywhere (~/.bashrc): keyguard writes only a file of its own.
  if (lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new UsageError(`${file} is a symbolic link (to ${readlinkSync(file)}): keyguard allow writes only a regular file there; replace the link with the file`);
  }
  const spec = specOf(args, createDetector(cwd).detector);
  const existing = diskReader(cwd)(file);
  const entries = existing === null ? [] : parseAllowlist(existing, ALLOWLIST_FILE, knownRuleIds);
  const same = entries.find((entry) => sameAllowance(entry, spec));
  if (same) {
    process.stdout.write(`keyguard: already allowed by ${ALLOWLIST_FILE}:${same.line}: ${formatAllowEntry(same)}\n`);
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
  const line = `${before}${entry}`.split('\n').length;
  const hashed = spec.kind === 'value-sha256' ? ' (the value looks like a live credential: written as its SHA-256, not in clear; --plain writes it as it is)' : '';
  process.stdout.write(`keyguard: added ${ALLOWLIST_FILE}:${line}: ${entry}${hashed}\n`);
  process.stdout.write(`keyguard: commit ${ALLOWLIST_FILE} with your change (git add ${ALLOWLIST_FILE})\n`);
}

const allowCommand: CommandModule<object, AllowArgs> = {
  command: 'allow <target>',
  describe: `Accept a false positive precisely: a finding by its fingerprint, or a value, in ${ALLOWLIST_FILE}`,
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('target', { type: 'string', demandOption: true, describe: 'a fingerprint (32 hex digits, as reports print it) or a literal value' })
      .option('path', { type: 'string', describe: 'with a value: only in files matching this glob (repository-relative, e.g. test/fixtures/**)' })
      .option('reason', { type: 'string', describe: 'why this is not a secret, kept beside the entry' })
      .option('plain', { type: 'boolean', default: false, describe: 'write a value that looks like a live credential in clear, not as its SHA-256' })
      .example('$0 allow 3f1c9a0d6b2e4f5a8c7d9e0b1a2c3d4e', 'one finding, by the fingerprint a report printed')
      .example('$0 allow AKIA... --path "docs/**"', 'a key, in docs only (written as its SHA-256)') as unknown as Argv<AllowArgs>,
  handler: allow,
};

/** allow, add, add-provider, aws-provider, list: the allowlist and git-secrets-style commands. */
export const addCommands: CommandModule[] = [allowCommand as unknown as CommandModule, ...gitSecretsCommands];
