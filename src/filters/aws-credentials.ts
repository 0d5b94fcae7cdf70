import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError, messageOf } from '../errors.js';

/** The AWS CLI's shared credentials file: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials. */
export function defaultCredentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
}

const KEY_NAMES = new Set(['aws_access_key_id', 'aws_secret_access_key']);

/**
 * The user's own access key ids and secret keys in an INI credentials file, each once, in file order: the
 * values git-secrets' aws-provider prohibits. A file that does not exist holds none (as with git-secrets).
 */
export function awsCredentialValues(file = defaultCredentialsFile()): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`${file}: cannot read the AWS credentials file (${messageOf(error)})`);
  }
  const values = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const equals = line.indexOf('=');
    if (equals === -1 || !KEY_NAMES.has(line.slice(0, equals).trim().toLowerCase())) continue;
    // As git-secrets does: spaces and double quotes around or inside the value are not part of it.
    const value = line.slice(equals + 1).replace(/[ \t"]/g, '');
    if (value) values.add(value);
  }
  return [...values];
}
