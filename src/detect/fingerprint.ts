import { createHash } from 'node:crypto';

/**
 * A finding's identity for baselines and allowlists: rule, file and secret, but not the line or the commit,
 * so it survives unrelated edits that move the line, and a history finding matches its working-tree twin.
 */
export function fingerprintOf(ruleId: string, file: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${file}\0${secret}`).digest('hex').slice(0, 32);
}
