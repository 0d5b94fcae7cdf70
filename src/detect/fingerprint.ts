import { sha256Hex } from '../sha256.js';

/**
 * A finding's identity for baselines and allowlists: rule, file and secret, but not the line or the commit,
 * so it survives unrelated edits that move the line, and a history finding matches its working-tree twin.
 */
export function fingerprintOf(ruleId: string, file: string, secret: string): string {
  return sha256Hex(`${ruleId}\0${file}\0${secret}`).slice(0, 32);
}
