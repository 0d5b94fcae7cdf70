import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, messageOf } from '../errors.js';

/**
 * Fails at once when `file` cannot be written: its folder missing or closed to the user, or a folder or a
 * read-only file in its place. Asked before a scan that may take minutes (a history, a baseline of one), so
 * that its work is not lost to a typo in a path at the end. The write itself may still fail (a full disk),
 * and says so then. `name`: how the message names the file (`--output x.json`).
 */
export function checkWritable(file: string, name: string): void {
  const path = resolve(file);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory()) throw new UsageError(`${name}: is a folder; name a file`);
  const folder = dirname(path);
  if (!stat) {
    const parent = statSync(folder, { throwIfNoEntry: false });
    if (!parent?.isDirectory()) throw new UsageError(`${name}: cannot write: ${folder} ${parent ? 'is not a folder' : 'does not exist'}`);
  }
  try {
    accessSync(stat ? path : folder, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${name}: cannot write (${messageOf(error)})`);
  }
}
