import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, messageOf } from '../errors.js';

/** The repository's own configuration file: committed at the top of the repository. */
export const CONFIG_FILE = '.keyguard.json';

/**
 * The AWS accounts the repository declares as its own (`.keyguard.json`: `{ "accounts": { "111122223333":
 * "production" } }`), so a key ID's account reads as one of them or as a stranger's (a third party's key in
 * your code is still a leak, and someone else's incident). null when the repository declares none.
 */
export function declaredAccounts(root: string | null): ReadonlyMap<string, string> | null {
  if (!root) return null;
  const file = join(root, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let doc: { accounts?: unknown };
  try {
    doc = JSON.parse(text) as { accounts?: unknown };
  } catch (error) {
    throw new UsageError(`${CONFIG_FILE}: not valid JSON (${messageOf(error)})`);
  }
  if (doc.accounts === undefined) return null;
  if (typeof doc.accounts !== 'object' || doc.accounts === null || Array.isArray(doc.accounts)) {
    throw new UsageError(`${CONFIG_FILE}: "accounts" must map account IDs to names: { "111122223333": "production" }`);
  }
  const accounts = new Map<string, string>();
  for (const [id, name] of Object.entries(doc.accounts)) {
    if (!/^\d{12}$/.test(id) || typeof name !== 'string') throw new UsageError(`${CONFIG_FILE}: accounts: "${id}" must be a 12-digit account ID with a name`);
    accounts.set(id, name);
  }
  return accounts;
}
